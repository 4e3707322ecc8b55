// The classroom against the real server and engine: a class made through the API, two students
// joining with its code and doing a real step in their sandboxes, their checks on the
// instructor's live feed in order, the CSV, the seat limit, a restart that keeps it all, the
// instructor's routes refused to others, the instructor looking over a student's shoulder, a
// place recovered elsewhere (the old browser's feed and sandbox closed), and a member removed with their sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClassJoined, Dashboard, FeedServerMessage, SessionCreated } from '../../shared/contract.ts';
import { leftovers, startServer, TerminalClient, waitUntil, WatchClient, type RunningServer } from './harness.ts';

const password = 'formateur-integration';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ INSTRUCTOR_PASSWORD: password });
});

afterAll(async () => {
  await server.stop();
  expect(await leftovers()).toEqual([]);
});

async function call(
  method: string,
  pathname: string,
  options: { token?: string; key?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers['x-learner-key'] = options.key;
  const res = await fetch(server.base + pathname, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // CSV or SVG
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** A class feed socket that records every message it gets. */
class Feed {
  readonly ws: WebSocket;
  readonly messages: FeedServerMessage[] = [];
  closeCode: number | undefined;
  constructor(classId: string, auth: { token?: string; key?: string }) {
    this.ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/classes/${classId}/feed`);
    this.ws.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString()) as FeedServerMessage));
    this.ws.on('close', (code) => (this.closeCode = code));
    this.ws.once('open', () => this.ws.send(JSON.stringify({ type: 'auth', ...auth })));
  }
  async next<T extends FeedServerMessage['type']>(
    type: T,
    match: (m: Extract<FeedServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Extract<FeedServerMessage, { type: T }>> {
    let found: Extract<FeedServerMessage, { type: T }> | undefined;
    await waitUntil(
      () => {
        found = this.messages.find(
          (m): m is Extract<FeedServerMessage, { type: T }> => m.type === type && match(m as never),
        );
        return Promise.resolve(found !== undefined);
      },
      timeoutMs,
      `a ${type} message`,
    );
    return found as Extract<FeedServerMessage, { type: T }>;
  }
}

let token = '';
let classId = '';
let code = '';
const students: ClassJoined[] = [];
/** The session tokens the students' browsers hold, by session id. */
const tokens = new Map<string, string>();

describe('a class, end to end', () => {
  it('signs the instructor in and creates a class with a join code', async () => {
    const wrong = await call('POST', '/api/instructor/login', { body: { password: 'pas-le-bon' } });
    expect(wrong.status).toBe(401);
    const login = await call('POST', '/api/instructor/login', { body: { password } });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/cours_formateur=.*HttpOnly/i);
    token = String(login.body.token);
    const created = await call('POST', '/api/classes', {
      token,
      body: { title: 'Docker — groupe A', labs: ['tp-images'], seats: 2 },
    });
    expect(created.status).toBe(201);
    classId = String(created.body.id);
    code = String(created.body.code);
    expect(code).toMatch(/^DKR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  });

  it('lets two students join with the code, and refuses a third with 409 in French', async () => {
    for (const name of ['Alice Martin', 'Bilal Haddad']) {
      const joined = await call('POST', '/api/classes/join', { body: { code, name } });
      expect(joined.status).toBe(201);
      students.push(joined.body as unknown as ClassJoined);
    }
    const third = await call('POST', '/api/classes/join', { body: { code, name: 'Chloé' } });
    expect(third.status).toBe(409);
    expect(third.body.error).toMatch(/^Ce cours est complet/);
    const detail = await call('GET', `/api/classes/${classId}`, { token });
    expect((detail.body.members as { name: string }[]).map((m) => m.name)).toEqual(['Alice Martin', 'Bilal Haddad']);
  });

  it('refuses the instructor’s routes without a sign-in (401) and with a student’s key (403)', async () => {
    const [alice] = students;
    for (const pathname of [
      `/api/classes/${classId}`,
      `/api/classes/${classId}/dashboard`,
      `/api/classes/${classId}/results.csv`,
    ]) {
      expect((await call('GET', pathname)).status).toBe(401);
      expect((await call('GET', pathname, { key: alice?.key ?? '' })).status).toBe(403);
    }
    expect(
      (await call('POST', `/api/classes/${classId}/broadcast`, { key: alice?.key ?? '', body: { text: 'x' } })).status,
    ).toBe(403);
  });

  it('shows both students’ real checks on the instructor’s live feed, in order, and groups the failures', async () => {
    const feed = new Feed(classId, { token });
    await feed.next('dashboard');
    const sessions: SessionCreated[] = [];
    for (const student of students) {
      const created = await call('POST', '/api/sessions', {
        key: student.key,
        body: { lab: 'tp-images', learner: student.learner },
      });
      expect(created.status).toBe(201);
      const session = created.body as unknown as SessionCreated;
      sessions.push(session);
      tokens.set(session.id, session.token);
    }
    const check = async (session: SessionCreated) =>
      call('POST', `/api/sessions/${session.id}/steps/pull-debian/check`, { token: session.token, body: {} });
    // Both fail first: nothing pulled yet.
    for (const session of sessions) expect((await check(session)).body.passed).toBe(false);
    const failures = await feed.next('failures', (m) => m.failures.some((f) => f.count === 2));
    expect(failures.failures[0]).toMatchObject({ lab: 'tp-images', step: 'pull-debian', count: 2 });
    // Alice does the step in her terminal; her next check passes.
    const [aliceSession] = sessions;
    if (!aliceSession) throw new Error('no session');
    const terminal = new TerminalClient(server, aliceSession.id);
    await terminal.open(aliceSession.token);
    await terminal.run('docker pull -q debian:bookworm', 120_000);
    const passed = await check(aliceSession);
    expect(passed.body.passed).toBe(true);
    const row = await feed.next(
      'student',
      (m) => m.student.name === 'Alice Martin' && m.student.lastCheck?.passed === true,
    );
    expect(row.student).toMatchObject({
      lab: 'tp-images',
      step: 'pull-debian',
      passed: ['pull-debian'],
      connected: true,
    });
    // In order: Alice's failing row came before her passing one.
    const aliceRows = feed.messages.filter((m) => m.type === 'student' && m.student.name === 'Alice Martin');
    const firstFail = aliceRows.findIndex((m) => m.type === 'student' && m.student.lastCheck?.passed === false);
    const firstPass = aliceRows.findIndex((m) => m.type === 'student' && m.student.lastCheck?.passed === true);
    expect(firstFail).toBeGreaterThanOrEqual(0);
    expect(firstPass).toBeGreaterThan(firstFail);
    terminal.close();
    feed.ws.close();
  });

  it('lets the instructor watch a terminal read-only, and type in it only once the student agreed', async () => {
    const [alice] = students;
    if (!alice) throw new Error('no student');
    const dashboard = (await call('GET', `/api/classes/${classId}/dashboard`, { token })).body as unknown as Dashboard;
    const sessionId = dashboard.students.find((s) => s.learner === alice.learner)?.session;
    expect(sessionId).toBeTruthy();
    const studentFeed = new Feed(classId, { key: alice.key });
    const teacherFeed = new Feed(classId, { token });
    await studentFeed.next('ready');
    await teacherFeed.next('dashboard');
    const watch = new WatchClient(server, sessionId ?? '');
    await watch.open(token);
    await studentFeed.next('watched', (m) => m.watching);
    // What the student types, the instructor sees.
    const terminal = new TerminalClient(server, sessionId ?? '');
    await terminal.open(tokens.get(sessionId ?? '') ?? '');
    await terminal.run('echo regarde-moi-$((6*7))');
    await waitUntil(
      () => Promise.resolve(watch.text.includes('regarde-moi-42')),
      10_000,
      'the student’s output in the watch',
    );
    // Read-only: the instructor's keys are refused until the student accepts.
    watch.ws.send(Buffer.from('echo pas-autorise-$((2*3))\r'));
    await waitUntil(
      () => Promise.resolve(watch.notes.some((n) => n.type === 'error' && /Lecture seule/.test(n.message ?? ''))),
      10_000,
      'read-only notice',
    );
    teacherFeed.ws.send(JSON.stringify({ type: 'control-request', learner: alice.learner }));
    await studentFeed.next('control-request');
    studentFeed.ws.send(JSON.stringify({ type: 'control-answer', accepted: true }));
    await teacherFeed.next('control', (m) => m.holder === 'instructor');
    await waitUntil(
      () => Promise.resolve(watch.notes.some((n) => n.type === 'control' && n.holder === 'instructor')),
      10_000,
      'control on the watch',
    );
    watch.ws.send(Buffer.from('echo aide-du-formateur-$((5*5))\r'));
    await waitUntil(
      () => Promise.resolve(terminal.text.includes('aide-du-formateur-25')),
      10_000,
      'the instructor’s keys in the shell',
    );
    expect(terminal.text).not.toContain('pas-autorise-6');
    studentFeed.ws.send(JSON.stringify({ type: 'control-release' }));
    await studentFeed.next('control', (m) => m.holder === 'student');
    watch.close();
    await studentFeed.next('watched', (m) => !m.watching);
    terminal.close();
    studentFeed.ws.close();
    teacherFeed.ws.close();
  });

  it('exports the results as CSV, one row per student and step', async () => {
    const csv = await call('GET', `/api/classes/${classId}/results.csv`, { token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^Alice Martin,tp-images,pull-debian,.*,oui,2,/);
    expect(lines[2]).toMatch(/^Bilal Haddad,tp-images,pull-debian,.*,non,1,/);
  });

  it('refuses a student key of this class on another class’s feed', async () => {
    const other = await call('POST', '/api/classes', {
      token,
      body: { title: 'Groupe B', labs: ['tp-images'], seats: 5 },
    });
    const feed = new Feed(String(other.body.id), { key: students[0]?.key ?? '' });
    await waitUntil(() => Promise.resolve(feed.closeCode !== undefined), 10_000, 'the feed closed');
    expect(feed.closeCode).toBe(4401);
  });

  it('keeps the class and the results across a restart of the server', async () => {
    const before = await call('GET', `/api/classes/${classId}/results.csv`, { token });
    await server.stop();
    server = await startServer({ INSTRUCTOR_PASSWORD: password }, server.dataDir);
    // The sign-in survives too (tokens are kept hashed in DATA_DIR).
    const dashboard = await call('GET', `/api/classes/${classId}/dashboard`, { token });
    expect(dashboard.status).toBe(200);
    const rows = (dashboard.body as unknown as Dashboard).students;
    expect(rows.map((r) => [r.name, r.passed])).toEqual([
      ['Alice Martin', ['pull-debian']],
      ['Bilal Haddad', []],
    ]);
    const after = await call('GET', `/api/classes/${classId}/results.csv`, { token });
    expect(after.text).toBe(before.text);
    const mine = await call('GET', '/api/classes/mine', { key: students[1]?.key ?? '' });
    expect(mine.body).toMatchObject({ id: classId, name: 'Bilal Haddad' });
  });

  it('closes the old browser’s feed and sandbox when a place is recovered on another browser', async () => {
    const alice = students[0];
    if (!alice?.recoveryCode) throw new Error('no student');
    const old = new Feed(classId, { key: alice.key });
    await old.next('ready');
    // The old browser has a shell open in Alice's name.
    const opened = await call('POST', '/api/sessions', { key: alice.key, body: { lab: 'tp-images' } });
    expect(opened.status).toBe(201);
    const oldSession = opened.body as unknown as SessionCreated;
    const shell = new TerminalClient(server, oldSession.id);
    await shell.open(oldSession.token);
    const recovered = await call('POST', '/api/classes/recover', {
      body: { code: code.toLowerCase().replace('-', ' '), recoveryCode: alice.recoveryCode },
    });
    expect(recovered.status).toBe(200);
    await waitUntil(() => old.closeCode !== undefined, 10_000, 'the old feed closed');
    expect(old.closeCode).toBe(4409);
    expect((await old.next('ended')).message).toMatch(/reprise sur un autre navigateur/);
    // Its shell is told and its sandbox goes: nobody left at the old browser works in her name.
    const ended = await shell.waitForMessage('error', 60_000);
    expect(ended).toMatchObject({ message: expect.stringMatching(/reprise sur un autre navigateur/) as unknown });
    expect((await call('GET', `/api/sessions/${oldSession.id}`, { token: oldSession.token })).status).toBe(404);
    await waitUntil(async () => (await leftovers(oldSession.id)).length === 0, 60_000, 'the old sandbox removed');
    students[0] = { ...alice, key: String(recovered.body.key) };
    const again = new Feed(classId, { key: alice.key });
    await waitUntil(() => again.closeCode !== undefined, 10_000, 'the old key refused');
    expect(again.closeCode).toBe(4401);
  });

  it('removes a member: their key refused, their feed closed, their sandbox gone from the engine', async () => {
    const bilal = students[1];
    if (!bilal) throw new Error('no student');
    // The restart ended the sandboxes: Bilal opens one and waits for it.
    const opened = await call('POST', '/api/sessions', { key: bilal.key, body: { lab: 'tp-images' } });
    expect(opened.status).toBe(201);
    const sessionId = String(opened.body.id);
    const sessionToken = String(opened.body.token);
    await waitUntil(
      async () => (await call('GET', `/api/sessions/${sessionId}`, { token: sessionToken })).body.state === 'ready',
      120_000,
      'Bilal’s sandbox running',
    );
    expect((await leftovers(sessionId)).some((l) => l.startsWith('container'))).toBe(true);
    const feed = new Feed(classId, { key: bilal.key });
    await feed.next('ready');
    // A student cannot remove a classmate.
    const url = `/api/classes/${classId}/members/${bilal.learner}`;
    expect((await call('DELETE', url, { key: students[0]?.key ?? '' })).status).toBe(403);
    const removed = await call('DELETE', url, { token });
    expect(removed.status).toBe(204);
    await waitUntil(() => feed.closeCode !== undefined, 10_000, 'the removed member’s feed closed');
    expect(feed.closeCode).toBe(4410);
    expect((await feed.next('ended')).message).toMatch(/^Le formateur vous a retiré du cours/);
    expect((await call('GET', '/api/classes/mine', { key: bilal.key })).status).toBe(403);
    const session = await call('POST', '/api/sessions', { key: bilal.key, body: { lab: 'tp-images' } });
    expect(session.status).toBe(403);
    expect((await call('GET', `/api/sessions/${sessionId}`, { token: sessionToken })).status).toBe(404);
    await waitUntil(async () => (await leftovers(sessionId)).length === 0, 60_000, 'the sandbox removed');
    const detail = await call('GET', `/api/classes/${classId}`, { token });
    expect((detail.body.members as { name: string }[]).map((m) => m.name)).toEqual(['Alice Martin']);
  });
});

// Unit tests of the classroom through inject and a listening app on the fake driver: the
// instructor's sign-in, classes, joining, the dashboard and its feed, the CSV, the rules.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClassJoined, Dashboard, FeedServerMessage } from '../../../../../shared/contract.ts';
import { appFixture, listen, type Fixture } from '../../../fixtures/app-fixture.ts';
import { classLabs } from '../../../fixtures/lab-fixtures.ts';

const labs = classLabs();
const password = 'mot-de-passe-formateur';

let fixture: Fixture;
beforeEach(async () => {
  fixture = await appFixture({ labs, instructorPassword: password });
});
afterEach(() => fixture.close());

async function signIn(): Promise<string> {
  const res = await fixture.app.inject({ method: 'POST', url: '/api/instructor/login', payload: { password } });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string }>().token;
}

async function newClass(token: string, seats = 2): Promise<{ id: string; code: string }> {
  const res = await fixture.app.inject({
    method: 'POST',
    url: '/api/classes',
    headers: { authorization: `Bearer ${token}` },
    payload: { title: 'Docker, lundi matin', labs: ['tp-images'], seats },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function join(code: string, name: string) {
  return fixture.app.inject({ method: 'POST', url: '/api/classes/join', payload: { code, name } });
}

describe('the instructor’s sign-in', () => {
  it('gives a token and an HttpOnly cookie for the right password', async () => {
    const res = await fixture.app.inject({ method: 'POST', url: '/api/instructor/login', payload: { password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'cours_formateur');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(cookie?.value).toBe(res.json<{ token: string }>().token);
    const me = await fixture.app.inject({
      method: 'GET',
      url: '/api/instructor/me',
      cookies: { cours_formateur: cookie?.value ?? '' },
    });
    expect(me.statusCode).toBe(200);
  });

  it('refuses a wrong password with a 401 in French, more slowly each time', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await fixture.app.inject({
        method: 'POST',
        url: '/api/instructor/login',
        payload: { password: 'faux' },
      });
      times.push(performance.now() - started);
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: string }>().error).toMatch(/^Mot de passe formateur incorrect/);
    }
    // The third try waited for the delay the two failures before it earned (250 ms, then 500 ms).
    expect(times[2]).toBeGreaterThanOrEqual(450);
  });

  it('signs out: the token stops working', async () => {
    const token = await signIn();
    const out = await fixture.app.inject({
      method: 'POST',
      url: '/api/instructor/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.statusCode).toBe(204);
    const me = await fixture.app.inject({
      method: 'GET',
      url: '/api/instructor/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.statusCode).toBe(401);
  });
});

describe('classes', () => {
  it('refuses the instructor’s routes without a sign-in (401) and with a student’s key (403)', async () => {
    const token = await signIn();
    const klass = await newClass(token);
    const joined = (await join(klass.code, 'Alice')).json<ClassJoined>();
    for (const url of [
      '/api/classes',
      `/api/classes/${klass.id}`,
      `/api/classes/${klass.id}/dashboard`,
      `/api/classes/${klass.id}/results.csv`,
    ]) {
      expect((await fixture.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      const student = await fixture.app.inject({ method: 'GET', url, headers: { 'x-learner-key': joined.key } });
      expect(student.statusCode).toBe(403);
      expect(student.json<{ error: string }>().error).toMatch(/^Réservé au formateur/);
    }
    const create = await fixture.app.inject({
      method: 'POST',
      url: '/api/classes',
      payload: { title: 'x', labs: ['tp-images'], seats: 3 },
    });
    expect(create.statusCode).toBe(401);
  });

  it('validates a new class: known TPs, a sane seat count and end time', async () => {
    const token = await signIn();
    const headers = { authorization: `Bearer ${token}` };
    const bad = [
      [{ title: 'x', labs: ['tp-inconnu'], seats: 3 }, /TP inconnu/],
      [{ title: 'x', labs: ['tp-images'], seats: 0 }, /seats/],
      [{ title: '', labs: ['tp-images'], seats: 3 }, /Titre/],
      [{ title: 'x', labs: [], seats: 3 }, /au moins un TP/],
      [{ title: 'x', labs: ['tp-images'], seats: 3, endsAt: '2020-01-01T00:00:00Z' }, /Heure de fin invalide/],
    ] as const;
    for (const [payload, message] of bad) {
      const res = await fixture.app.inject({ method: 'POST', url: '/api/classes', headers, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(message);
    }
  });

  it('lets students join with the code until the seats are taken (409), refuses an unknown code (404)', async () => {
    const token = await signIn();
    const klass = await newClass(token, 2);
    expect(klass.code).toMatch(/^DKR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const alice = await join(klass.code.toLowerCase(), '  Alice ');
    expect(alice.statusCode).toBe(201);
    const joined = alice.json<ClassJoined>();
    expect(joined).toMatchObject({ name: 'Alice', class: { id: klass.id, labs: ['tp-images'] } });
    expect(joined.recoveryCode).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect((await join(klass.code, 'alice')).statusCode).toBe(409);
    expect((await join(klass.code, 'Bob')).statusCode).toBe(201);
    const full = await join(klass.code, 'Chloé');
    expect(full.statusCode).toBe(409);
    expect(full.json<{ error: string }>().error).toMatch(/^Ce cours est complet/);
    const unknown = await join('DKR-2222-2222', 'Denis');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error: string }>().error).toMatch(/^Cours introuvable/);
    const mine = await fixture.app.inject({
      method: 'GET',
      url: '/api/classes/mine',
      headers: { 'x-learner-key': joined.key },
    });
    expect(mine.json()).toMatchObject({ id: klass.id, name: 'Alice' });
  });

  it('gives a member a new key with the recovery code; the old key stops working', async () => {
    const token = await signIn();
    const klass = await newClass(token);
    const joined = (await join(klass.code, 'Alice')).json<ClassJoined>();
    const res = await fixture.app.inject({
      method: 'POST',
      url: '/api/classes/recover',
      payload: { code: klass.code, recoveryCode: joined.recoveryCode },
    });
    expect(res.statusCode).toBe(200);
    const recovered = res.json<ClassJoined>();
    expect(recovered.learner).toBe(joined.learner);
    expect(recovered.key).not.toBe(joined.key);
    const old = await fixture.app.inject({
      method: 'GET',
      url: '/api/classes/mine',
      headers: { 'x-learner-key': joined.key },
    });
    expect(old.statusCode).toBe(403);
    const wrong = await fixture.app.inject({
      method: 'POST',
      url: '/api/classes/recover',
      payload: { code: klass.code, recoveryCode: 'AAAA-BBBB-CCCC' },
    });
    expect(wrong.statusCode).toBe(404);
  });

  it('opens sessions of the class’s TPs only, two at most per member, exempt from the per-address share', async () => {
    const token = await signIn();
    const klass = await newClass(token);
    const joined = (await join(klass.code, 'Alice')).json<ClassJoined>();
    const open = (lab: string) =>
      fixture.app.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { 'x-learner-key': joined.key },
        payload: { lab, learner: joined.learner },
      });
    const outside = await open('tp-dockerfile');
    expect(outside.statusCode).toBe(403);
    expect(outside.json<{ error: string }>().error).toMatch(/ne fait pas partie du cours/);
    expect((await open('tp-images')).statusCode).toBe(201);
    expect((await open('bac-a-sable')).statusCode).toBe(201);
    const third = await open('tp-images');
    expect(third.statusCode).toBe(409);
    expect(fixture.sessions.ofLearner(joined.learner)[0]?.client).toBeNull();
  });
});

describe('the dashboard', () => {
  it('shows a member’s checks live on the instructor’s feed, groups failures, and exports them', async () => {
    const token = await signIn();
    const klass = await newClass(token);
    const alice = (await join(klass.code, 'Alice')).json<ClassJoined>();
    const bob = (await join(klass.code, 'Bob')).json<ClassJoined>();
    const port = await listen(fixture.app);
    const feed = new WebSocket(`ws://127.0.0.1:${port}/ws/classes/${klass.id}/feed`);
    const messages: FeedServerMessage[] = [];
    feed.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as FeedServerMessage));
    await new Promise((resolve) => feed.once('open', resolve));
    feed.send(JSON.stringify({ type: 'auth', token }));
    await expect.poll(() => messages.some((m) => m.type === 'dashboard')).toBe(true);

    const check = async (who: ClassJoined, passed: boolean, message: string) => {
      const created = await fixture.app.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { 'x-learner-key': who.key },
        payload: { lab: 'tp-images' },
      });
      const session = created.json<{ id: string; token: string }>();
      await fixture.sessions.get(session.id)?.ready;
      // With a line of evidence, which the instructor sees and the student does not.
      fixture.driver.nextExec = {
        exitCode: passed ? 0 : 1,
        stdout: `::preuve:: image sha256:${passed ? 'aa' : 'bb'}\n${message}\n`,
      };
      const res = await fixture.app.inject({
        method: 'POST',
        url: `/api/sessions/${session.id}/steps/un/check`,
        headers: { authorization: `Bearer ${session.token}` },
        payload: {},
      });
      expect(res.json()).toEqual({ passed, message });
    };
    await check(alice, false, 'Le port 8080 n’est pas publié.');
    await check(bob, false, 'Le port 8080 n’est pas publié.');
    await expect
      .poll(() => messages.filter((m) => m.type === 'failures').at(-1))
      .toMatchObject({
        failures: [{ lab: 'tp-images', step: 'un', message: 'Le port 8080 n’est pas publié.', count: 2 }],
      });
    await check(alice, true, 'Bravo !');
    await expect
      .poll(() =>
        messages.findLast(
          (m) => m.type === 'student' && m.student.learner === alice.learner && m.student.lastCheck?.passed,
        ),
      )
      .toMatchObject({ student: { name: 'Alice', lab: 'tp-images', step: 'un', passed: ['un'] } });
    feed.close();

    const dashboard = (
      await fixture.app.inject({
        method: 'GET',
        url: `/api/classes/${klass.id}/dashboard`,
        headers: { authorization: `Bearer ${token}` },
      })
    ).json<Dashboard>();
    expect(dashboard.failures).toMatchObject([{ count: 1, names: ['Bob'] }]);
    expect(dashboard.students.find((s) => s.name === 'Alice')?.lastCheck?.evidence).toEqual(['image sha256:aa']);
    const csv = await fixture.app.inject({
      method: 'GET',
      url: `/api/classes/${klass.id}/results.csv`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^élève,tp,étape,titre,réussie,vérifications/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^Alice,tp-images,un,Étape un,oui,2,.*,image sha256:aa$/),
      expect.stringMatching(/^Bob,tp-images,un,Étape un,non,1,.*Le port 8080 n’est pas publié\.,image sha256:bb$/),
    ]);
  });

  it('refuses a student key of another class on the feed', async () => {
    const token = await signIn();
    const first = await newClass(token);
    const second = await newClass(token);
    const alice = (await join(first.code, 'Alice')).json<ClassJoined>();
    const port = await listen(fixture.app);
    const feed = new WebSocket(`ws://127.0.0.1:${port}/ws/classes/${second.id}/feed`);
    const closed = new Promise<number>((resolve) => feed.once('close', (code) => resolve(code)));
    await new Promise((resolve) => feed.once('open', resolve));
    feed.send(JSON.stringify({ type: 'auth', key: alice.key }));
    expect(await closed).toBe(4401);
  });

  it('sends the instructor’s slide and messages to the class’s students, not to another class', async () => {
    const token = await signIn();
    const klass = await newClass(token);
    const other = await newClass(token);
    const alice = (await join(klass.code, 'Alice')).json<ClassJoined>();
    const zoe = (await join(other.code, 'Zoé')).json<ClassJoined>();
    const port = await listen(fixture.app);
    const connect = (classId: string, auth: object) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/classes/${classId}/feed`);
      const seen: FeedServerMessage[] = [];
      ws.on('message', (data: Buffer) => seen.push(JSON.parse(data.toString()) as FeedServerMessage));
      ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', ...auth })));
      return { ws, seen };
    };
    const teacher = connect(klass.id, { token });
    const student = connect(klass.id, { key: alice.key });
    const stranger = connect(other.id, { key: zoe.key });
    await expect
      .poll(() => [teacher, student, stranger].every((c) => c.seen.some((m) => m.type === 'ready')))
      .toBe(true);
    teacher.ws.send(JSON.stringify({ type: 'slide', deck: 'images-de-conteneurs', h: 3, v: 1, f: 0 }));
    teacher.ws.send(JSON.stringify({ type: 'message', text: 'Pause de 10 minutes' }));
    await expect.poll(() => student.seen.find((m) => m.type === 'slide')).toMatchObject({ h: 3, v: 1, f: 0 });
    await expect
      .poll(() => student.seen.find((m) => m.type === 'message'))
      .toMatchObject({ text: 'Pause de 10 minutes' });
    student.ws.send(JSON.stringify({ type: 'slide', deck: 'images-de-conteneurs', h: 9, v: 0 }));
    await expect
      .poll(() => student.seen.find((m) => m.type === 'error'))
      .toMatchObject({ message: 'Réservé au formateur.' });
    expect(stranger.seen.map((m) => m.type)).toEqual(['ready']);
    for (const c of [teacher, student, stranger]) c.ws.close();
  });

  it('ends the class after its countdown: sessions removed, joins refused with 410', async () => {
    const token = await signIn();
    const klass = await newClass(token);
    const alice = (await join(klass.code, 'Alice')).json<ClassJoined>();
    const created = await fixture.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { 'x-learner-key': alice.key },
      payload: { lab: 'tp-images' },
    });
    const sessionId = created.json<{ id: string }>().id;
    const end = await fixture.app.inject({
      method: 'POST',
      url: `/api/classes/${klass.id}/end`,
      headers: { authorization: `Bearer ${token}` },
      payload: { seconds: 0 },
    });
    expect(end.statusCode).toBe(202);
    await expect.poll(() => fixture.sessions.get(sessionId)).toBeUndefined();
    const late = await join(klass.code, 'Bob');
    expect(late.statusCode).toBe(410);
    const again = await fixture.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { 'x-learner-key': alice.key },
      payload: { lab: 'tp-images' },
    });
    expect(again.statusCode).toBe(410);
  });
});

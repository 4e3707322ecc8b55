// Unit tests of what keeps one student or one address from spoiling a class: look-alike names,
// wrong codes and bursts of joins from one address, members and sandboxes per address, the
// instructor's removal, renaming and locking, `at` frames outside the class, and a recovered
// place's old pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClassJoined, FeedServerMessage } from '../../../../../shared/contract.ts';
import { normalizeDisplayName } from '../../../../../shared/display-name.ts';
import { addressKey, CodeGuesses, JoinPace, RetryLaterError } from '../../../../../server/http/classroom/join-guard.ts';
import { silentLogger } from '../../../../../server/log/log.ts';
import { ClassStore } from '../../../../../server/progress/classes.ts';
import { openDatabase } from '../../../../../server/progress/database.ts';
import { SqliteProgressStore } from '../../../../../server/progress/store.ts';
import { Classroom } from '../../../../../server/session/classroom.ts';
import { looksAlike, nameFolds } from '../../../../../server/session/name-fold.ts';
import { appFixture, listen, type Fixture } from '../../../fixtures/app-fixture.ts';
import { classLabs } from '../../../fixtures/lab-fixtures.ts';

const labs = classLabs();
const password = 'mot-de-passe-formateur';

let fixture: Fixture;
let token: string;
beforeEach(async () => {
  fixture = await appFixture({ labs, instructorPassword: password, membersPerClient: 3 });
  const res = await fixture.app.inject({ method: 'POST', url: '/api/instructor/login', payload: { password } });
  token = res.json<{ token: string }>().token;
});
afterEach(() => fixture.close());

const bearer = () => ({ authorization: `Bearer ${token}` });

async function newClass(seats = 10): Promise<{ id: string; code: string }> {
  const res = await fixture.app.inject({
    method: 'POST',
    url: '/api/classes',
    headers: bearer(),
    payload: { title: 'Docker, lundi matin', labs: ['tp-images'], seats },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

/** A join from a given client address (inject's remote address). */
function join(code: string, name: string, from = '198.51.100.1') {
  return fixture.app.inject({
    method: 'POST',
    url: '/api/classes/join',
    payload: { code, name },
    remoteAddress: from,
  });
}

async function member(code: string, name: string, from?: string): Promise<ClassJoined> {
  const res = await join(code, name, from);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ClassJoined>();
}

/** A class feed on a listening app: what it received, and how it closed. */
async function feed(classId: string, auth: object) {
  const port = fixture.app.server.listening
    ? (fixture.app.server.address() as { port: number }).port
    : await listen(fixture.app);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/classes/${classId}/feed`);
  const seen: FeedServerMessage[] = [];
  ws.on('message', (data: Buffer) => seen.push(JSON.parse(data.toString()) as FeedServerMessage));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', ...auth })));
  await expect.poll(() => seen.some((m) => m.type === 'ready' || m.type === 'error')).toBe(true);
  return { ws, seen, closed };
}

describe('display names', () => {
  it('normalises a name: NFKC, one space between words', () => {
    expect(normalizeDisplayName('  Ｌéa\u00a0  Martin ', 40)).toEqual({ ok: true, name: 'Léa Martin' });
    expect(normalizeDisplayName('Le\u0301a', 40)).toEqual({ ok: true, name: 'Léa' });
  });

  it('folds case, accents and confusable letters alike, and keeps different names apart', () => {
    for (const twin of ['LÉA', 'léa', 'Le\u0301a', 'LE\u0301A', 'Lea', 'L\u0435\u0430', 'L\u0415\u0410', 'L\u0435a']) {
      expect(looksAlike('Léa', twin), twin).toBe(true);
    }
    expect(looksAlike('Iris', 'lris')).toBe(true);
    expect(looksAlike('Tom', '\u0422\u043em')).toBe(true);
    expect(looksAlike('Ꭺnna', 'Anna')).toBe(true);
    for (const other of ['Lou', 'Léo', 'Léana', 'Paul']) expect(looksAlike('Léa', other), other).toBe(false);
    expect(nameFolds('Straße')).toContain('strasse');
  });

  it('refuses look-alikes of a classmate’s name at join (409), and hidden or blank names (400)', async () => {
    const klass = await newClass();
    await member(klass.code, 'Léa');
    const twins = ['LÉA', 'léa', 'Le\u0301a', 'L\u0435\u0430', 'LEA '];
    for (const [i, twin] of twins.entries()) {
      const res = await join(klass.code, twin, `198.51.100.${10 + i}`);
      expect(res.statusCode, twin).toBe(409);
      expect(res.json<{ error: string }>().error).toMatch(
        /^Ce nom ressemble trop à celui d’un autre élève de ce cours/,
      );
    }
    const hidden = ['Lé\u200ba', '\u200fLéa', 'Léa\u202e', '\u2066Léa\u2069', 'L\u00ade\u0301a', '\u3164'];
    for (const [i, name] of hidden.entries()) {
      const res = await join(klass.code, name, `198.51.100.${30 + i}`);
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(/caractères invisibles/);
    }
    for (const [i, name] of ['', '   ', '\u00a0\u2003', '\u2800', '---'].entries()) {
      const res = await join(klass.code, name, `198.51.100.${50 + i}`);
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(/Nom/);
    }
    const members = (
      await fixture.app.inject({ method: 'GET', url: `/api/classes/${klass.id}`, headers: bearer() })
    ).json<{
      members: { name: string }[];
    }>().members;
    expect(members.map((m) => m.name)).toEqual(['Léa']);
    // A different name still joins; a decomposed accent is kept composed.
    expect((await member(klass.code, 'Zoe\u0301', '198.51.100.99')).name).toBe('Zoé');
  });
});

describe('guessing codes and filling a class from one address', () => {
  it('slows wrong codes from one address with a 429 that says when to retry, while another address joins', async () => {
    const klass = await newClass();
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 12; i++) {
      last = await join(`DKR-2222-${String(2222 + i).replace(/[01]/g, '3')}`, `Élève ${i}`, '203.0.113.5');
      statuses.push(last.statusCode);
    }
    // Ten wrong codes are free (a class mistypes a few), the eleventh earns a wait.
    expect(statuses.slice(0, 11)).toEqual(Array(11).fill(404));
    expect(statuses[11]).toBe(429);
    expect(last?.json<{ error: string }>().error).toMatch(
      /^Trop de codes erronés depuis votre adresse : réessayez dans \d+ s/,
    );
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right code waits: the address is slowed, not the code.
    expect((await join(klass.code, 'Alice', '203.0.113.5')).statusCode).toBe(429);
    const recover = await fixture.app.inject({
      method: 'POST',
      url: '/api/classes/recover',
      payload: { code: klass.code, recoveryCode: 'AAAA-BBBB-CCCC' },
      remoteAddress: '203.0.113.5',
    });
    expect(recover.statusCode).toBe(429);
    // Another address is not slowed.
    expect((await join(klass.code, 'Bob', '192.0.2.44')).statusCode).toBe(201);
  });

  it('bounds the members one address holds in running classes (429), not another address’s', async () => {
    const klass = await newClass(10);
    const other = await newClass(10);
    await member(klass.code, 'Alice', '203.0.113.9');
    await member(klass.code, 'Bob', '203.0.113.9');
    await member(other.code, 'Chloé', '203.0.113.9');
    const fourth = await join(klass.code, 'Denis', '203.0.113.9');
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json<{ error: string }>().error).toMatch(/^Trop d’élèves inscrits depuis votre adresse \(3 au plus/);
    // An IPv6 address is one /64: picking another address in it does not help.
    const v6 = ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3'];
    for (const [i, from] of v6.slice(0, 2).entries()) await member(klass.code, `Six ${i}`, from);
    await member(klass.code, 'Six 2', v6[2]);
    expect((await join(klass.code, 'Six 3', '2001:db8:1:2:abcd::9')).statusCode).toBe(429);
    expect((await join(klass.code, 'Eve', '192.0.2.10')).statusCode).toBe(201);
  });

  it('bounds the sandboxes of the members joined from one address together', async () => {
    const klass = await newClass(10);
    const a = await member(klass.code, 'Alice', '203.0.113.20');
    const b = await member(klass.code, 'Bob', '203.0.113.20');
    const c = await member(klass.code, 'Chloé', '192.0.2.20');
    const open = (who: ClassJoined, lab: string) =>
      fixture.app.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { 'x-learner-key': who.key },
        payload: { lab },
      });
    expect((await open(a, 'tp-images')).statusCode).toBe(201);
    expect((await open(a, 'bac-a-sable')).statusCode).toBe(201);
    expect((await open(b, 'tp-images')).statusCode).toBe(201);
    const fourth = await open(b, 'bac-a-sable');
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json<{ error: string }>().error).toMatch(
      /^Les élèves inscrits depuis votre réseau ont déjà 3 bacs à sable/,
    );
    expect((await open(c, 'tp-images')).statusCode).toBe(201);
  });

  it('paces one address’s joins: a burst, then one at a time, then a 429', () => {
    const pace = new JoinPace({ burst: 3, intervalMs: 1000, maxWaitMs: 2000 });
    const now = 1_000_000;
    expect([0, 1, 2].map(() => pace.reserve('a', now))).toEqual([0, 0, 0]);
    expect(pace.reserve('a', now)).toBe(1000);
    expect(pace.reserve('a', now)).toBe(2000);
    expect(() => pace.reserve('a', now)).toThrow(RetryLaterError);
    expect(pace.reserve('b', now)).toBe(0);
    // The bucket fills again with time.
    expect(pace.reserve('a', now + 10_000)).toBe(0);
  });

  it('doubles the wait of each wrong code past the free ones', () => {
    const guesses = new CodeGuesses();
    const now = 5_000_000;
    for (let i = 0; i < 10; i++) guesses.failed('a', now);
    expect(() => guesses.check('a', now)).not.toThrow();
    const waits = [];
    for (let i = 0; i < 4; i++) {
      guesses.failed('a', now);
      try {
        guesses.check('a', now);
      } catch (error) {
        waits.push((error as RetryLaterError).retryAfterSeconds);
      }
    }
    expect(waits).toEqual([2, 4, 8, 16]);
    expect(() => guesses.check('a', now + 17_000)).not.toThrow();
  });

  it('never makes an address wait more than a minute, so one student cannot lock a class out for long', () => {
    const guesses = new CodeGuesses();
    const now = 5_000_000;
    for (let i = 0; i < 40; i++) guesses.failed('a', now);
    expect(() => guesses.check('a', now)).toThrow(RetryLaterError);
    expect(() => guesses.check('a', now + 60_000)).not.toThrow();
  });

  it('keys IPv4 addresses as they are and IPv6 ones by their /64', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8:0:12::1')).toBe('2001:db8:0:12::/64');
    expect(addressKey('2001:0db8:0000:0012:abcd:1:2:3')).toBe('2001:db8:0:12::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('the instructor’s hand on members', () => {
  it('removes a member: key refused, feed told and closed, sandboxes gone, the name free again', async () => {
    const klass = await newClass();
    const alice = await member(klass.code, 'Alice');
    const bob = await member(klass.code, 'Bob', '192.0.2.2');
    const created = await fixture.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { 'x-learner-key': alice.key },
      payload: { lab: 'tp-images' },
    });
    const sessionId = created.json<{ id: string }>().id;
    const page = await feed(klass.id, { key: alice.key });
    const other = await feed(klass.id, { key: bob.key });

    const url = `/api/classes/${klass.id}/members/${alice.learner}`;
    expect((await fixture.app.inject({ method: 'DELETE', url })).statusCode).toBe(401);
    expect(
      (await fixture.app.inject({ method: 'DELETE', url, headers: { 'x-learner-key': bob.key } })).statusCode,
    ).toBe(403);
    const removed = await fixture.app.inject({ method: 'DELETE', url, headers: bearer() });
    expect(removed.statusCode).toBe(204);

    expect(await page.closed).toBe(4410);
    const told = page.seen.find((m) => m.type === 'ended');
    expect(told?.type === 'ended' && told.message).toMatch(/^Le formateur vous a retiré du cours/);
    await expect.poll(() => fixture.sessions.get(sessionId)).toBeUndefined();
    expect(fixture.driver.removed).toContain(sessionId);
    const mine = await fixture.app.inject({
      method: 'GET',
      url: '/api/classes/mine',
      headers: { 'x-learner-key': alice.key },
    });
    expect(mine.statusCode).toBe(403);
    const again = await fixture.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { 'x-learner-key': alice.key },
      payload: { lab: 'tp-images' },
    });
    expect(again.statusCode).toBe(403);
    const back = await feed(klass.id, { key: alice.key });
    expect(await back.closed).toBe(4401);
    // Bob's page stays; the class no longer lists Alice.
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
    const detail = await fixture.app.inject({ method: 'GET', url: `/api/classes/${klass.id}`, headers: bearer() });
    expect(detail.json<{ members: { name: string }[] }>().members.map((m) => m.name)).toEqual(['Bob']);
    expect((await fixture.app.inject({ method: 'DELETE', url, headers: bearer() })).statusCode).toBe(404);
    other.ws.close();
  });

  it('renames a member, unless the new name looks like a classmate’s', async () => {
    const klass = await newClass();
    const alice = await member(klass.code, 'Alice');
    await member(klass.code, 'Bob', '192.0.2.3');
    const rename = (name: string) =>
      fixture.app.inject({
        method: 'PATCH',
        url: `/api/classes/${klass.id}/members/${alice.learner}`,
        headers: bearer(),
        payload: { name },
      });
    const renamed = await rename('  Alice  Martin ');
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ learner: alice.learner, name: 'Alice Martin' });
    expect((await rename('BOB')).statusCode).toBe(409);
    expect((await rename('B\u200bob')).statusCode).toBe(400);
    const mine = await fixture.app.inject({
      method: 'GET',
      url: '/api/classes/mine',
      headers: { 'x-learner-key': alice.key },
    });
    expect(mine.json()).toMatchObject({ name: 'Alice Martin' });
  });

  it('locks a class to new students (403), members stay; unlocking lets them in again', async () => {
    const klass = await newClass();
    const alice = await member(klass.code, 'Alice');
    const lock = (locked: boolean) =>
      fixture.app.inject({
        method: 'POST',
        url: `/api/classes/${klass.id}/lock`,
        headers: bearer(),
        payload: { locked },
      });
    expect((await lock(true)).json()).toEqual({ locked: true });
    const refused = await join(klass.code, 'Bob', '192.0.2.4');
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: string }>().error).toMatch(/^Le formateur a fermé ce cours aux nouveaux élèves/);
    const mine = await fixture.app.inject({
      method: 'GET',
      url: '/api/classes/mine',
      headers: { 'x-learner-key': alice.key },
    });
    expect(mine.json()).toMatchObject({ locked: true, name: 'Alice' });
    await lock(false);
    expect((await join(klass.code, 'Bob', '192.0.2.4')).statusCode).toBe(201);
  });
});

describe('what a student’s page may say', () => {
  it('ignores `at` frames for TPs outside the class, unknown TPs and unknown steps', async () => {
    const klass = await newClass();
    const alice = await member(klass.code, 'Alice');
    const page = await feed(klass.id, { key: alice.key });
    const row = () => fixture.classroom.dashboard(klass.id).students[0];
    const frames = [
      { lab: 'tp-dockerfile', step: 'trois' },
      { lab: 'tp-dockerfile', step: null },
      { lab: 'tp-inexistant', step: null },
      { lab: 'tp-images', step: 'inexistante' },
      { lab: 'bac-a-sable', step: 'un' },
    ];
    page.ws.send(JSON.stringify({ type: 'at', lab: 'tp-images', step: 'deux' }));
    await expect.poll(() => row()?.step).toBe('deux');
    // Each frame is followed by a ping: once its pong is back, the frame was handled.
    const seen: (string | null)[] = [];
    for (const frame of frames) {
      page.ws.send(JSON.stringify({ type: 'at', ...frame }));
      page.ws.send(JSON.stringify({ type: 'ping' }));
      const pongs = page.seen.filter((m) => m.type === 'pong').length;
      await expect.poll(() => page.seen.filter((m) => m.type === 'pong').length).toBe(pongs + 1);
      seen.push(`${row()?.lab}/${row()?.step}`);
    }
    expect(seen).toEqual(Array(frames.length).fill('tp-images/deux'));
    page.ws.send(JSON.stringify({ type: 'at', lab: 'bac-a-sable', step: null }));
    await expect.poll(() => row()?.lab).toBe('bac-a-sable');
    page.ws.close();
  });
});

describe('a place recovered on another browser', () => {
  it('closes the old key’s feeds and refuses them afterwards', async () => {
    const klass = await newClass();
    const alice = await member(klass.code, 'Alice');
    const first = await feed(klass.id, { key: alice.key });
    const second = await feed(klass.id, { key: alice.key });
    const res = await fixture.app.inject({
      method: 'POST',
      url: '/api/classes/recover',
      payload: { code: klass.code, recoveryCode: alice.recoveryCode },
    });
    expect(res.statusCode).toBe(200);
    const recovered = res.json<ClassJoined>();
    expect(await first.closed).toBe(4409);
    expect(await second.closed).toBe(4409);
    const told = first.seen.find((m) => m.type === 'ended');
    expect(told?.type === 'ended' && told.message).toMatch(/reprise sur un autre navigateur/);
    const old = await feed(klass.id, { key: alice.key });
    expect(await old.closed).toBe(4401);
    // The new key's feed hears the class.
    const fresh = await feed(klass.id, { key: recovered.key });
    await fixture.app.inject({
      method: 'POST',
      url: `/api/classes/${klass.id}/broadcast`,
      headers: bearer(),
      payload: { text: 'Pause' },
    });
    await expect.poll(() => fresh.seen.find((m) => m.type === 'message')).toMatchObject({ text: 'Pause' });
    fresh.ws.close();
  });
});

describe('codes of the first version', () => {
  it('gives a running class with a four-character code a long one at start; an ended one keeps its own', () => {
    const db = openDatabase(':memory:');
    const insert = db.prepare(
      'INSERT INTO classes (id, code, title, deck, labs, seats, created_at, ends_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const later = new Date(Date.now() + 3600_000).toISOString();
    insert.run('aaaaaaaaaaaaaaaa', 'DKR-7Q4P', 'En cours', 'd', '["tp-images"]', 5, later, later, null);
    insert.run('bbbbbbbbbbbbbbbb', 'DKR-9XYZ', 'Fini', 'd', '["tp-images"]', 5, later, later, later);
    const store = new ClassStore(db);
    const classroom = new Classroom({
      store,
      progress: new SqliteProgressStore(db),
      labs: new Map(labs.map((lab) => [lab.id, lab])),
      decks: new Set(['d']),
      defaultDeck: 'd',
      log: silentLogger,
    });
    classroom.start();
    expect(store.get('aaaaaaaaaaaaaaaa')?.code).toMatch(/^DKR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(store.get('bbbbbbbbbbbbbbbb')?.code).toBe('DKR-9XYZ');
    expect(store.byCode('DKR-7Q4P')).toBeUndefined();
    classroom.stop();
    db.close();
  });
});

// Fair share through the API, on a fake driver: sessions held and opened per minute by one
// client address are bounded (429 in French) while another address still gets a seat, a
// session runs one check at a time, sandbox starts are admitted round-robin between clients,
// and a request with a body is refused for its token before its body is read.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionQueue } from '../../../../server/session/admission.ts';
import { appFixture, type Fixture } from '../../fixtures/app-fixture.ts';
import { testLab, testStep } from '../../fixtures/lab-fixtures.ts';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function open(f: Fixture, address: string, headers: Record<string, string> = {}) {
  return f.app.inject({ method: 'POST', url: '/api/sessions', payload: {}, remoteAddress: address, headers });
}

describe('fair share', () => {
  it('bounds the sessions one address holds at once, and frees a seat when one ends', async () => {
    fixture = await appFixture({ limits: { maxSessions: 10, perClient: 2 } });
    const first = await open(fixture, '10.0.0.1');
    expect((await open(fixture, '10.0.0.1')).statusCode).toBe(201);
    const third = await open(fixture, '10.0.0.1');
    expect(third.statusCode).toBe(429);
    expect(third.json<{ error: string }>().error).toMatch(
      /Trop de bacs à sable ouverts depuis votre adresse \(2 au plus/,
    );
    expect(fixture.driver.created).toBe(2);
    // Another address of the class still gets its seat.
    expect((await open(fixture, '10.0.0.2')).statusCode).toBe(201);
    const { id, token } = first.json<{ id: string; token: string }>();
    await fixture.app.inject({
      method: 'DELETE',
      url: `/api/sessions/${id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await open(fixture, '10.0.0.1')).statusCode).toBe(201);
  });

  it('counts sessions still starting, so a burst cannot slip past the bound', async () => {
    fixture = await appFixture({ limits: { maxSessions: 10, perClient: 2 } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => open(fixture as Fixture, '10.0.0.3')));
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(4);
  });

  it('bounds the sessions one address opens per minute', async () => {
    fixture = await appFixture({ limits: { maxSessions: 10, perClient: 10 }, sessionsPerClientPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await open(fixture, '10.0.0.4')).statusCode).toBe(201);
    const refused = await open(fixture, '10.0.0.4');
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ error: string }>().error).toMatch(/en une minute \(3 au plus\) : attendez \d+ s/);
    expect((await open(fixture, '10.0.0.5')).statusCode).toBe(201);
  });

  it('believes X-Forwarded-For only when told to trust the proxy', async () => {
    fixture = await appFixture({ limits: { maxSessions: 10, perClient: 1 } });
    expect((await open(fixture, '127.0.0.1', { 'x-forwarded-for': '10.1.0.1' })).statusCode).toBe(201);
    // Not trusted: both requests are the proxy's own address.
    expect((await open(fixture, '127.0.0.1', { 'x-forwarded-for': '10.1.0.2' })).statusCode).toBe(429);
    await fixture.close();
    fixture = await appFixture({ limits: { maxSessions: 10, perClient: 1 }, trustProxy: true });
    expect((await open(fixture, '127.0.0.1', { 'x-forwarded-for': '10.1.0.1' })).statusCode).toBe(201);
    expect((await open(fixture, '127.0.0.1', { 'x-forwarded-for': '10.1.0.2' })).statusCode).toBe(201);
    expect((await open(fixture, '127.0.0.1', { 'x-forwarded-for': '10.1.0.2' })).statusCode).toBe(429);
  });

  it('runs one check at a time per session: a third at once is refused', async () => {
    const lab = testLab('tp-x', [testStep('construire', { hints: [], timeout: 10 })]);
    fixture = await appFixture({ labs: [lab] });
    let running = 0;
    let most = 0;
    const exec = fixture.driver.exec.bind(fixture.driver);
    fixture.driver.exec = async (...args) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 50));
      running--;
      return exec(...args);
    };
    const created = await fixture.app.inject({ method: 'POST', url: '/api/sessions', payload: { lab: 'tp-x' } });
    const { id, token } = created.json<{ id: string; token: string }>();
    const check = () =>
      (fixture as Fixture).app.inject({
        method: 'POST',
        url: `/api/sessions/${id}/steps/construire/check`,
        headers: { authorization: `Bearer ${token}` },
        payload: {},
      });
    const answers = await Promise.all([check(), check(), check()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 429]);
    expect(answers.find((a) => a.statusCode === 429)?.json<{ error: string }>().error).toMatch(/déjà en cours/);
    expect(most).toBe(1);
  });

  it('admits sandbox starts round-robin between clients, one client holding half the slots at most', async () => {
    const queue = new AdmissionQueue(2);
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const start = (id: string, group: string) =>
      queue.run(
        id,
        () =>
          new Promise<void>((resolve) => {
            started.push(id);
            gates.set(id, resolve);
          }),
        group,
      );
    // Client a asks for six starts before b asks for one: b's comes next, not after a's six.
    const runs = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id) => start(id, 'a'));
    runs.push(start('b1', 'b'));
    await new Promise((r) => setTimeout(r, 0));
    // Nobody else waited when a asked: a took both slots.
    expect(started).toEqual(['a1', 'a2']);
    expect(queue.ahead('b1')).toBe(0);
    gates.get('a1')?.();
    await runs[0];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['a1', 'a2', 'b1']);
    // b is served: a gets the next slot back.
    gates.get('a2')?.();
    await runs[1];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    for (const id of ['b1', 'a3', 'a4', 'a5', 'a6']) {
      gates.get(id)?.();
      await new Promise((r) => setTimeout(r, 0));
    }
    await Promise.all(runs);
    expect(queue.counts).toEqual({ waiting: 0, running: 0 });
  });

  it('refuses an upload without a valid token before reading its body', async () => {
    fixture = await appFixture();
    const created = await fixture.app.inject({ method: 'POST', url: '/api/sessions', payload: {} });
    const { id } = created.json<{ id: string }>();
    // 40 MB offered slowly: the answer comes before more than a few chunks were read.
    let pulled = 0;
    const body = Readable.from(
      (async function* () {
        for (let i = 0; i < 40; i++) {
          await new Promise((r) => setTimeout(r, 5));
          pulled += 1024 * 1024;
          yield Buffer.alloc(1024 * 1024);
        }
      })(),
    );
    const answers: { status: number; pulled: number; error: string }[] = [];
    for (const authorization of [undefined, 'Bearer faux-jeton']) {
      pulled = 0;
      const res = await fixture.app.inject({
        method: 'PUT',
        url: `/api/sessions/${id}/files/root/gros.bin`,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(40 * 1024 * 1024),
          ...(authorization ? { authorization } : {}),
        },
        payload: authorization ? Readable.from([Buffer.alloc(1024)]) : body,
      });
      answers.push({
        status: res.statusCode,
        pulled,
        error: res.json<{ error: string }>().error,
      });
    }
    expect(answers[0]).toMatchObject({ status: 401 });
    expect(answers[0]?.pulled).toBeLessThan(8 * 1024 * 1024);
    expect(answers[0]?.error).toMatch(/^Jeton manquant/);
    expect(answers[1]).toMatchObject({ status: 403 });
    expect(fixture.driver.execs).toEqual([]);
  });

  it('refuses a lint its session may not run now before reading its Dockerfile', async () => {
    fixture = await appFixture();
    const created = await fixture.app.inject({ method: 'POST', url: '/api/sessions', payload: {} });
    const { id, token } = created.json<{ id: string; token: string }>();
    const lint = (content: string | Readable) =>
      fixture!.app.inject({
        method: 'POST',
        url: `/api/sessions/${id}/lint`,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(typeof content === 'string' ? {} : { 'content-length': String(250_000) }),
        },
        payload: content,
      });
    // Two large lints take the session's share of the linter…
    const large = JSON.stringify({ content: `FROM debian:12\nRUN apt-get update ${'rm '.repeat(80_000)}\n` });
    const held = [lint(large), lint(large)];
    await new Promise((resolve) => setTimeout(resolve, 50));
    // …so a third is answered while its body has barely started: a few bytes of 250 000.
    let pulled = 0;
    const trickle = Readable.from(
      (async function* () {
        yield Buffer.from('{"content":"FROM debian');
        for (let i = 0; i < 100; i++) {
          await new Promise((r) => setTimeout(r, 100));
          pulled += 2500;
          yield Buffer.alloc(2500, 0x20);
        }
      })(),
    );
    const refused = await lint(trickle);
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ error: string }>().error).toMatch(
      /^Vos Dockerfiles précédents sont encore en cours d’analyse/,
    );
    expect(pulled).toBeLessThan(50_000);
    for (const answer of await Promise.all(held)) expect(answer.statusCode).toBe(200);
  });
});

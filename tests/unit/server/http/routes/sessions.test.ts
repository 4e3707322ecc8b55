// Unit tests of the sessions plugin through inject: create, look at and end a session, and every refusal in French.
import { afterEach, describe, expect, it } from 'vitest';
import { engineMissing } from '../../../../../server/http/errors.ts';
import type { ApiError, SessionState } from '../../../../../shared/contract.ts';
import { limits } from '../../../../../shared/limits.ts';
import { appFixture, type Fixture, type FixtureOptions } from '../../../fixtures/app-fixture.ts';
import { testLab } from '../../../fixtures/lab-fixtures.ts';

const lab = testLab('tp-images', [], { title: 'Les images', setupScript: 'echo prêt' });
const learner = 'Apprenant_0123-abcdef';

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
});

async function setup(options: FixtureOptions = {}): Promise<Fixture> {
  const fixture = await appFixture({ labs: [lab], ...options });
  fixtures.push(fixture);
  return fixture;
}

function post(fixture: Fixture, payload: string | object, headers: Record<string, string> = {}) {
  return fixture.app.inject({ method: 'POST', url: '/api/sessions', payload, headers });
}

/** Opens a session through the API and answers its state (with its token). */
async function created(fixture: Fixture, body: object = {}): Promise<SessionState> {
  const res = await post(fixture, body);
  expect(res.statusCode).toBe(201);
  return res.json<SessionState>();
}

function errorOf(res: { json<T>(): T }): string {
  return res.json<ApiError>().error;
}

describe('POST /api/sessions', () => {
  it('opens a bare sandbox for an empty body', async () => {
    const fixture = await setup();
    const before = Date.now();
    const res = await post(fixture, {});
    expect(res.statusCode).toBe(201);
    const body = res.json<SessionState>();
    expect(body).toEqual({
      id: expect.stringMatching(/^[a-f0-9]+$/) as unknown,
      token: expect.any(String) as unknown,
      expiresAt: expect.any(String) as unknown,
      idleExpiresAt: expect.any(String) as unknown,
      lab: 'bac-a-sable',
      // Answered at once: the sandbox starts in its turn.
      state: 'starting',
    });
    expect(body.token.length).toBeGreaterThanOrEqual(40);
    await fixture.sessions.get(body.id)?.ready;
    expect(fixture.sessions.get(body.id)?.state).toBe('ready');
    expect(Date.parse(body.expiresAt)).toBeGreaterThanOrEqual(before + 600_000);
    expect(Date.parse(body.idleExpiresAt)).toBeLessThanOrEqual(Date.parse(body.expiresAt));
    expect(fixture.driver.created).toBe(1);
    expect(fixture.driver.sandboxes.has(body.id)).toBe(true);
  });

  it('opens a session with the TP being prepared, for the learner whose key it carries', async () => {
    const fixture = await setup();
    const { id, key } = fixture.progress.createLearner();
    const res = await post(fixture, { lab: 'tp-images' }, { 'x-learner-key': key });
    expect(res.statusCode).toBe(201);
    const body = res.json<SessionState>();
    expect(body.lab).toBe('tp-images');
    expect(body.state).toBe('starting');
    expect(fixture.sessions.get(body.id)?.learnerId).toBe(id);
    await fixture.sessions.get(body.id)?.ready;
    expect(fixture.sessions.get(body.id)?.state).toBe('ready');
    expect(fixture.driver.execs.map((e) => e.command[0])).toEqual(['bash']);
  });

  it('opens a bare sandbox for a request without a body', async () => {
    const fixture = await setup();
    const res = await fixture.app.inject({ method: 'POST', url: '/api/sessions' });
    expect(res.statusCode).toBe(201);
    expect(res.json<SessionState>().lab).toBe('bac-a-sable');
  });

  it.each([
    [{ lab: 123 }, /champ « lab \(le TP\) » : .*nombre reçu/],
    [{ lab: '' }, /champ « lab \(le TP\) » : Trop petit/],
    [{ lab: 'x'.repeat(101) }, /champ « lab \(le TP\) » : Trop grand/],
  ])('refuses %j with a 400 in French', async (payload, message) => {
    const fixture = await setup();
    const res = await post(fixture, payload);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatch(message);
  });

  it('refuses {lab: null} with a 400 that names the field', async () => {
    const fixture = await setup();
    const res = await post(fixture, { lab: null });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatch(/^Requête invalide : champ « lab \(le TP\) » : .*null reçu/);
    expect(fixture.driver.created).toBe(0);
  });

  it('records no learner without a key', async () => {
    const fixture = await setup();
    const body = await created(fixture, {});
    expect(fixture.sessions.get(body.id)?.learnerId).toBeNull();
  });

  it('refuses a learner id in the body that is not the key’s, before any sandbox is made', async () => {
    const fixture = await setup();
    const withoutKey = await post(fixture, { learner });
    expect(withoutKey.statusCode).toBe(401);
    expect(errorOf(withoutKey)).toMatch(/Clé d’apprenant manquante/);
    const { key } = fixture.progress.createLearner();
    const other = await post(fixture, { learner }, { 'x-learner-key': key });
    expect(other.statusCode).toBe(403);
    expect(errorOf(other)).toMatch(/n’est pas celui de votre clé/);
    expect(fixture.driver.created).toBe(0);
  });

  it.each([
    ['an unknown key', 'A'.repeat(43)],
    ['a malformed key', 'court'],
  ])('refuses %s with a 403 in French, before any sandbox is made', async (_what, key) => {
    const fixture = await setup();
    const res = await post(fixture, {}, { 'x-learner-key': key });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res)).toMatch(/^Clé d’apprenant inconnue : rechargez la page/);
    expect(fixture.driver.created).toBe(0);
  });

  it('refuses an unknown TP with a 404, before any sandbox is made', async () => {
    const fixture = await setup();
    const res = await post(fixture, { lab: 'tp-inconnu' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toMatch(/TP « tp-inconnu » inconnu/);
    expect(errorOf(res)).toContain('tp-images, bac-a-sable');
    expect(fixture.driver.created).toBe(0);
    expect(fixture.sessions.size).toBe(0);
  });

  it('refuses a body that is not JSON with a 400', async () => {
    const fixture = await setup();
    const res = await post(fixture, '{"lab": ', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toBe('Corps de requête illisible : JSON invalide.');
  });

  it('refuses a JSON array with a 400', async () => {
    const fixture = await setup();
    const res = await post(fixture, '[1,2]', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatch(/^Requête invalide : un objet JSON est attendu/);
    expect(fixture.driver.created).toBe(0);
  });

  it('refuses a body that is not JSON by type with a 415', async () => {
    const fixture = await setup();
    const res = await post(fixture, 'lab=tp-images', { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(errorOf(res)).toMatch(/Content-Type: application\/json/);
    expect(fixture.driver.created).toBe(0);
  });

  it('refuses a body over 16 KB with a 413', async () => {
    const fixture = await setup();
    const payload = JSON.stringify({ lab: 'x'.repeat(limits.maxBodyBytes) });
    const res = await post(fixture, payload, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(413);
    expect(errorOf(res)).toMatch(/trop grosse/);
    expect(fixture.driver.created).toBe(0);
  });

  it('refuses a foreign Origin with a 403', async () => {
    const fixture = await setup();
    const res = await post(fixture, {}, { origin: 'https://ailleurs.example' });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res)).toMatch(/Origine non autorisée/);
    expect(fixture.driver.created).toBe(0);
  });

  it('accepts an allowed Origin', async () => {
    const fixture = await setup({ allowedOrigins: ['https://cours.example'] });
    expect((await post(fixture, {}, { origin: 'https://cours.example' })).statusCode).toBe(201);
    expect((await post(fixture, {}, { origin: 'https://ailleurs.example' })).statusCode).toBe(403);
  });

  it('answers 503 once every seat is taken', async () => {
    const fixture = await setup({ limits: { maxSessions: 1 } });
    await created(fixture);
    const res = await post(fixture, {});
    expect(res.statusCode).toBe(503);
    expect(errorOf(res)).toMatch(/Toutes les places sont prises \(1 bac à sable en cours\)/);
    expect(fixture.driver.created).toBe(1);
  });

  it('answers 503 without an engine', async () => {
    const fixture = await setup({ noEngine: true });
    const res = await post(fixture, {});
    expect(res.statusCode).toBe(503);
    expect(errorOf(res)).toBe(engineMissing);
    expect(fixture.driver.created).toBe(0);
  });
});

describe('GET /api/sessions/:id', () => {
  it('answers the session’s state to its token, without the token', async () => {
    const fixture = await setup();
    const session = await created(fixture);
    await fixture.sessions.get(session.id)?.ready;
    const res = await fixture.app.inject({
      method: 'GET',
      url: `/api/sessions/${session.id}`,
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<SessionState>()).toEqual({
      ...session,
      state: 'ready',
      token: '',
      idleExpiresAt: expect.any(String) as unknown,
    });
  });

  it('answers 401 without a token', async () => {
    const fixture = await setup();
    const session = await created(fixture);
    const res = await fixture.app.inject({ method: 'GET', url: `/api/sessions/${session.id}` });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res)).toMatch(/Jeton manquant/);
  });

  it('answers 401 for an Authorization header that is not a bearer token', async () => {
    const fixture = await setup();
    const session = await created(fixture);
    const res = await fixture.app.inject({
      method: 'GET',
      url: `/api/sessions/${session.id}`,
      headers: { authorization: `Basic ${session.token}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it('answers 403 for another session’s token', async () => {
    const fixture = await setup();
    const session = await created(fixture);
    const other = await created(fixture);
    const res = await fixture.app.inject({
      method: 'GET',
      url: `/api/sessions/${session.id}`,
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res)).toBe('Jeton invalide pour cette session.');
  });

  it('answers 404 for an unknown session', async () => {
    const fixture = await setup();
    const res = await fixture.app.inject({
      method: 'GET',
      url: '/api/sessions/abcdef0123',
      headers: { authorization: 'Bearer jeton' },
    });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toMatch(/Session introuvable ou terminée/);
  });

  it('answers 400 for an id that is not hexadecimal', async () => {
    const fixture = await setup();
    const res = await fixture.app.inject({
      method: 'GET',
      url: '/api/sessions/pas-hexa',
      headers: { authorization: 'Bearer jeton' },
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatch(
      /^Adresse invalide : champ « id \(la session ou le TP\) » : Identifiant de session invalide/,
    );
  });

  it('answers 503 without an engine', async () => {
    const fixture = await setup({ noEngine: true });
    const res = await fixture.app.inject({
      method: 'GET',
      url: '/api/sessions/abcdef',
      headers: { authorization: 'Bearer jeton' },
    });
    expect(res.statusCode).toBe(503);
  });
});

describe('DELETE /api/sessions/:id', () => {
  it('ends the session and removes its sandbox', async () => {
    const fixture = await setup();
    const session = await created(fixture);
    const headers = { authorization: `Bearer ${session.token}` };
    const res = await fixture.app.inject({ method: 'DELETE', url: `/api/sessions/${session.id}`, headers });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(fixture.driver.removed).toEqual([session.id]);
    expect(fixture.driver.sandboxes.has(session.id)).toBe(false);
    expect(fixture.sessions.get(session.id)).toBeUndefined();
    const after = await fixture.app.inject({ method: 'GET', url: `/api/sessions/${session.id}`, headers });
    expect(after.statusCode).toBe(404);
  });

  it('keeps the session for a wrong token or a foreign Origin', async () => {
    const fixture = await setup();
    const session = await created(fixture);
    const url = `/api/sessions/${session.id}`;
    const wrong = await fixture.app.inject({ method: 'DELETE', url, headers: { authorization: 'Bearer faux' } });
    expect(wrong.statusCode).toBe(403);
    const foreign = await fixture.app.inject({
      method: 'DELETE',
      url,
      headers: { authorization: `Bearer ${session.token}`, origin: 'https://ailleurs.example' },
    });
    expect(foreign.statusCode).toBe(403);
    expect(errorOf(foreign)).toMatch(/Origine non autorisée/);
    expect(fixture.driver.removed).toEqual([]);
    expect(fixture.sessions.get(session.id)).toBeDefined();
  });
});

describe('admission queue', () => {
  it('answers at once while sandboxes wait their turn, and tells each how many are ahead', async () => {
    const fixture = await setup({ limits: { startsAtOnce: 1 } });
    let open = () => {};
    fixture.driver.startGate = new Promise<void>((resolve) => (open = resolve));
    const [first, second, third] = [await created(fixture), await created(fixture), await created(fixture)];
    const state = async (s: SessionState) =>
      (
        await fixture.app.inject({
          method: 'GET',
          url: `/api/sessions/${s.id}`,
          headers: { authorization: `Bearer ${s.token}` },
        })
      ).json<SessionState>();
    expect(await state(first)).toMatchObject({ state: 'starting' });
    expect((await state(first)).ahead).toBeUndefined();
    expect(await state(second)).toMatchObject({ state: 'starting', ahead: 0 });
    expect(await state(third)).toMatchObject({ state: 'starting', ahead: 1 });
    open();
    await fixture.sessions.get(third?.id ?? '')?.ready;
    expect(await state(third)).toEqual(expect.objectContaining({ state: 'ready' }));
    expect((await state(third)).ahead).toBeUndefined();
  });
});

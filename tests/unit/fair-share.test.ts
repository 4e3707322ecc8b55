// Fair share through the API, on a fake driver: sessions held and opened per minute by one
// client address are bounded (429 in French) while another address still gets a seat, and a
// session runs one check at a time.
import { afterEach, describe, expect, it } from 'vitest';
import { appFixture, type Fixture } from './app-fixture.ts';
import { testLab, testStep } from './lab-fixtures.ts';

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
});

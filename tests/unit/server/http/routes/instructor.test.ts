// Unit tests of the instructor's sign-in route under guessing: wrong passwords sent together
// wait their turn like wrong passwords sent in a row, the answers say how long to wait, and the
// browser that signs in gets a cookie that skips its address's queue next time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appFixture, type Fixture } from '../../../fixtures/app-fixture.ts';

const password = 'mot-de-passe-formateur';
let fixture: Fixture;
beforeEach(async () => {
  fixture = await appFixture({ instructorPassword: password });
});
afterEach(() => fixture.close());

const login = (guess: string, cookies?: Record<string, string>) =>
  fixture.app.inject({ method: 'POST', url: '/api/instructor/login', payload: { password: guess }, cookies });

describe('the instructor’s sign-in under guessing', () => {
  it('answers wrong passwords sent at once one after the other, with the doubling waits', async () => {
    const started = performance.now();
    const finished: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        login('faux').then((res) => {
          finished.push(performance.now() - started);
          return res;
        }),
      ),
    );
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: string }>().error).toMatch(
        /^Mot de passe formateur incorrect\..*Le prochain essai attendra \d/,
      );
    }
    // Waits of 0, 250, 500 and 1000 ms, one guess after the other: the last answer comes after 1.75 s.
    finished.sort((a, b) => a - b);
    expect(finished[3]).toBeGreaterThanOrEqual(1_700);
    expect(finished[2]).toBeGreaterThanOrEqual(700);
    // The right password still opens, after its wait (2 s), and gives this browser its proof.
    const right = await login(password);
    expect(right.statusCode).toBe(200);
    const device = right.cookies.find((c) => c.name === 'cours_formateur_appareil');
    expect(device?.httpOnly).toBe(true);
    expect(device?.path).toBe('/api/instructor/login');
    expect(device?.sameSite).toBe('Strict');
    // A student at the same address queues wrong guesses: the instructor's browser does not wait behind them.
    const order: string[] = [];
    const flood = Array.from({ length: 4 }, (_, i) => login('faux').then(() => order.push(`faux ${i}`)));
    const again = await login(password, { cours_formateur_appareil: device?.value ?? '' });
    order.push('formateur');
    expect(again.statusCode).toBe(200);
    await Promise.all(flood);
    expect(order.indexOf('formateur')).toBeLessThan(order.indexOf('faux 3'));
  }, 30_000);

  it('makes a forged proof wait in its address’s queue, as with no proof', async () => {
    for (let i = 0; i < 2; i++) expect((await login('faux')).statusCode).toBe(401);
    const started = performance.now();
    const res = await login('faux', { cours_formateur_appareil: 'abc.def' });
    expect(res.statusCode).toBe(401);
    // Third failure of the address: 500 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(res.cookies.find((c) => c.name === 'cours_formateur_appareil')).toBeUndefined();
  });
});

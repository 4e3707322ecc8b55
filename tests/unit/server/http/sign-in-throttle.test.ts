// Unit tests of the instructor's sign-in pace (fake timers): guesses sent together wait as long
// as guesses sent in a row, checks never overlap, the right password is forgiven, and past the
// failure budget the never-signed-in browsers share one queue while a known browser does not.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignInThrottle, type SignInAttempt } from '../../../../server/http/sign-in-throttle.ts';

/** The doubling waits: before the n-th guess (from 0), after n failures. */
const delay = (failures: number) => (failures === 0 ? 0 : Math.min(16_000, 250 * 2 ** (failures - 1)));
/** When the n-th of guesses sent one after the other (checks taking no time) is checked at the earliest. */
const sequentialStart = (n: number) => Array.from({ length: n + 1 }, (_, i) => delay(i)).reduce((a, b) => a + b, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A password check that records when it ran. */
function checker(right = 'bon') {
  const times: number[] = [];
  return {
    times,
    check: (password: string) => () => {
      times.push(Date.now());
      return Promise.resolve(password === right);
    },
  };
}

describe('the sign-in throttle', () => {
  it('makes 22 wrong passwords sent at once wait the doubling waits, one after the other', async () => {
    const throttle = new SignInThrottle({ maxWaitMs: Number.POSITIVE_INFINITY });
    const { times, check } = checker();
    const results: SignInAttempt[] = [];
    const all = Array.from({ length: 22 }, () =>
      throttle.attempt({ address: '10.0.0.1' }, check('faux')).then((r) => results.push(r)),
    );
    // Within any window from the start, no more checks than 22 guesses in a row would get.
    for (const at of [0, 100, 300, 800, 2_000, 4_000, 10_000, 20_000, 60_000, 120_000]) {
      await vi.advanceTimersByTimeAsync(at - Date.now());
      const allowed = Array.from({ length: 22 }, (_, n) => sequentialStart(n)).filter((s) => s <= at).length;
      expect(times.length, `checks by ${at} ms`).toBeLessThanOrEqual(allowed);
    }
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(times).toHaveLength(22);
    expect(results.every((r) => r.outcome === 'wrong')).toBe(true);
    // Each check came at least its doubling wait after the one before: in all, the sum of the waits.
    for (let n = 1; n < 22; n++)
      expect(times[n]! - times[n - 1]!, `gap before guess ${n}`).toBeGreaterThanOrEqual(delay(n));
    expect(times[21]).toBeGreaterThanOrEqual(sequentialStart(21));
    expect(sequentialStart(21)).toBe(255_750);
    // The right password still opens, after its own wait.
    const right = throttle.attempt({ address: '10.0.0.1' }, check('bon'));
    await vi.runAllTimersAsync();
    expect(await right).toEqual({ outcome: 'signed-in' });
    expect(times[22]! - times[21]!).toBeGreaterThanOrEqual(16_000);
  });

  it('refuses, with the time to wait, the guesses whose turn would come too late', async () => {
    const throttle = new SignInThrottle();
    const { times, check } = checker();
    const all = Promise.all(Array.from({ length: 22 }, () => throttle.attempt({ address: '10.0.0.1' }, check('faux'))));
    await vi.runAllTimersAsync();
    const results = await all;
    const busy = results.filter((r) => r.outcome === 'busy');
    // 0 + 0.25 + 0.5 + 1 + 2 + 4 + 8 + 16 s: the eighth would start at 31.75 s, the ninth at 47.75 s.
    expect(results.filter((r) => r.outcome === 'wrong')).toHaveLength(8);
    expect(busy).toHaveLength(14);
    // Told to come back when the eight ahead are done (31.75 s): then the wait fits again.
    for (const r of busy) expect(r).toEqual({ outcome: 'busy', retryInMs: sequentialStart(7), shared: false });
    expect(times).toHaveLength(8);
    for (let n = 1; n < 8; n++) expect(times[n]! - times[n - 1]!).toBeGreaterThanOrEqual(delay(n));
    expect(Date.now()).toBeGreaterThanOrEqual(sequentialStart(7));
    const later = throttle.attempt({ address: '10.0.0.1' }, check('faux'));
    await vi.runAllTimersAsync();
    expect((await later).outcome).toBe('wrong');
  });

  it('forgives the failures of whoever then gives the right password', async () => {
    const throttle = new SignInThrottle();
    const { times, check } = checker();
    for (const password of ['faux', 'faux', 'faux', 'bon', 'faux']) {
      const attempt = throttle.attempt({ address: '10.0.0.2' }, check(password));
      await vi.runAllTimersAsync();
      await attempt;
    }
    // Waits 0, 250, 500, 1000 (before the right one), then none: the count started again.
    expect(times.map((t, i) => t - (times[i - 1] ?? 0))).toEqual([0, 250, 500, 1000, 0]);
  });

  it('checks one password at a time, whatever the addresses', async () => {
    const throttle = new SignInThrottle();
    let running = 0;
    let most = 0;
    const slow = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running--;
      return false;
    };
    const all = Promise.all(Array.from({ length: 10 }, (_, i) => throttle.attempt({ address: `10.0.1.${i}` }, slow)));
    await vi.runAllTimersAsync();
    await all;
    expect(throttle.checks).toBe(10);
    expect(most).toBe(1);
  });

  it('past the budget, queues every browser that never signed in together, not a known one', async () => {
    const throttle = new SignInThrottle({ budget: 5 });
    const { times, check } = checker();
    // Five failures from five addresses: each one's first guess, no wait.
    for (let i = 0; i < 5; i++) {
      const attempt = throttle.attempt({ address: `10.0.2.${i}` }, check('faux'));
      await vi.runAllTimersAsync();
      await attempt;
    }
    expect(times).toEqual([0, 0, 0, 0, 0]);
    expect(throttle.overBudget).toBe(true);
    // Now fresh addresses share one doubling queue: 250, 500, 1000 ms apart.
    const start = Date.now();
    const fresh = Promise.all([10, 11, 12, 13].map((i) => throttle.attempt({ address: `10.0.2.${i}` }, check('faux'))));
    // A browser that signed in before, at one of those addresses, is checked at once.
    const instructor = checker();
    const known = throttle.attempt({ address: '10.0.2.10', device: 'appareil-du-formateur' }, instructor.check('bon'));
    await vi.advanceTimersByTimeAsync(0);
    expect(await known).toEqual({ outcome: 'signed-in' });
    expect(instructor.times).toEqual([start]);
    await vi.runAllTimersAsync();
    await fresh;
    expect(times.slice(5).map((t) => t - start)).toEqual([0, 250, 750, 1750]);
    // The window passes: the budget is whole again.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(throttle.overBudget).toBe(false);
  });

  it('says how long the shared queue makes one wait when it is full', async () => {
    const throttle = new SignInThrottle({ budget: 1, maxWaitMs: 2_000 });
    const { check } = checker();
    const first = throttle.attempt({ address: '10.0.3.1' }, check('faux'));
    await vi.runAllTimersAsync();
    await first;
    const all = Promise.all(
      Array.from({ length: 6 }, (_, i) => throttle.attempt({ address: `10.0.3.${i + 2}` }, check('faux'))),
    );
    await vi.runAllTimersAsync();
    const results = await all;
    const busy = results.filter((r) => r.outcome === 'busy');
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((r) => r.outcome === 'busy' && r.shared)).toBe(true);
  });
});

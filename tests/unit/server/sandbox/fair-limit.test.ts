// The fair bound of `docker exec`s: one key (session) flooding it never holds more than its
// share while another waits, free slots go round-robin, and a key's full queue is refused.
import { describe, expect, it } from 'vitest';
import { FairLimit, FairLimitBusyError } from '../../../../server/sandbox/fair-limit.ts';

/** A task that runs until `finish()` is called. */
function held(): { work: () => Promise<void>; started: boolean; finish: () => void } {
  let finish = () => {};
  const task = {
    started: false,
    finish: () => finish(),
    work: () =>
      new Promise<void>((resolve) => {
        task.started = true;
        finish = resolve;
      }),
  };
  return task;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('FairLimit', () => {
  it('runs another key at once while one key floods the bound', async () => {
    const limit = new FairLimit({ concurrency: 8, perKey: 3, maxQueuedPerKey: 32, name: 'exec' });
    const flood = Array.from({ length: 24 }, () => held());
    const floods = flood.map((t) => limit.run('a', t.work));
    await tick();
    expect(flood.filter((t) => t.started)).toHaveLength(3);
    const other = held();
    const done = limit.run('b', other.work);
    await tick();
    expect(other.started).toBe(true);
    other.finish();
    await done;
    for (const t of flood) {
      await tick();
      t.finish();
    }
    await Promise.all(floods);
    expect(limit.counts()).toEqual({ running: 0, waiting: 0 });
  });

  it('serves waiting keys round-robin when the global bound is full', async () => {
    const limit = new FairLimit({ concurrency: 2, perKey: 2, maxQueuedPerKey: 10, name: 'exec' });
    const order: string[] = [];
    const blockers = [held(), held()];
    const blocking = blockers.map((t) => limit.run('a', t.work));
    const queued: Promise<void>[] = [];
    // Key a queues five tasks before b and c queue one each: b and c still come second and third.
    for (let i = 0; i < 5; i++) queued.push(limit.run('a', () => Promise.resolve(void order.push('a'))));
    queued.push(limit.run('b', () => Promise.resolve(void order.push('b'))));
    queued.push(limit.run('c', () => Promise.resolve(void order.push('c'))));
    await tick();
    expect(order).toEqual([]);
    blockers[0]?.finish();
    await blocking[0];
    await Promise.all(queued.slice(5));
    expect(order.indexOf('b')).toBeLessThan(3);
    expect(order.indexOf('c')).toBeLessThan(4);
    blockers[1]?.finish();
    await Promise.all([...queued, ...blocking]);
    expect(order.filter((k) => k === 'a')).toHaveLength(5);
  });

  it('refuses a key past its queue bound, not the others', async () => {
    const limit = new FairLimit({ concurrency: 4, perKey: 1, maxQueuedPerKey: 2, name: 'exec' });
    const first = held();
    const running = limit.run('a', first.work);
    const waiting = [limit.run('a', () => Promise.resolve()), limit.run('a', () => Promise.resolve())];
    await expect(limit.run('a', () => Promise.resolve())).rejects.toBeInstanceOf(FairLimitBusyError);
    await expect(limit.run('b', () => Promise.resolve('b'))).resolves.toBe('b');
    first.finish();
    await Promise.all([running, ...waiting]);
    expect(limit.counts('a')).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot of a task that throws', async () => {
    const limit = new FairLimit({ concurrency: 1, perKey: 1, maxQueuedPerKey: 1, name: 'exec' });
    await expect(limit.run('a', () => Promise.reject(new Error('raté')))).rejects.toThrow('raté');
    await expect(limit.run('a', () => Promise.resolve(1))).resolves.toBe(1);
  });
});

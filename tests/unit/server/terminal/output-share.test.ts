// Unit tests of the terminal output share: never a hold while the server keeps its time; past
// its lag, floods held to a budget that halves while the lag lasts and comes back once it is
// gone; a quiet shell never held, and no window timer while a student only types.
import { describe, expect, it } from 'vitest';
import { OutputShare, type SharedOutput } from '../../../../server/terminal/output-share.ts';

function shell() {
  const events: string[] = [];
  const s: SharedOutput & { events: string[]; held: boolean } = {
    events,
    held: false,
    hold() {
      this.held = true;
      events.push('hold');
    },
    resume() {
      this.held = false;
      events.push('resume');
    },
  };
  return s;
}

const options = { windowMs: 100, lagThresholdMs: 30, minBudgetBytes: 1000, calmWindows: 2 };

describe('terminal output share', () => {
  it('never holds a shell while the event loop keeps its time', () => {
    const share = new OutputShare(options);
    const flood = shell();
    for (let window = 0; window < 10; window++) {
      for (let i = 0; i < 100; i++) share.took(flood, 64 * 1024);
      share.tick(2);
    }
    expect(flood.events).toEqual([]);
    expect(share.budgetBytes).toBe(Number.POSITIVE_INFINITY);
    share.close();
  });

  it('once the loop lags, holds the flood past half of what it took, and lets it go on at the next window', () => {
    const share = new OutputShare(options);
    const flood = shell();
    const typist = shell();
    share.took(flood, 80_000);
    share.took(typist, 50);
    share.tick(120);
    expect(share.budgetBytes).toBe(40_000);
    share.took(flood, 30_000);
    expect(flood.held).toBe(false);
    share.took(flood, 30_000);
    expect(flood.held).toBe(true);
    share.took(typist, 50);
    expect(typist.events).toEqual([]);
    share.tick(120);
    expect(flood.held).toBe(false);
    expect(flood.events).toEqual(['hold', 'resume']);
    // Still lagging: halved again.
    expect(share.budgetBytes).toBe(20_000);
    share.close();
  });

  it('never goes below its floor, and doubles back to no limit once calm', () => {
    const share = new OutputShare(options);
    const flood = shell();
    for (let i = 0; i < 20; i++) {
      share.took(flood, 500_000);
      share.tick(200);
    }
    expect(share.budgetBytes).toBe(1000);
    let windows = 0;
    while (Number.isFinite(share.budgetBytes)) {
      share.tick(1);
      windows++;
      expect(windows).toBeLessThan(200);
    }
    // 1000 doubled past 64 MiB takes 17 doublings of 2 calm windows each.
    expect(windows).toBe(34);
    share.close();
  });

  it('forgets a shell that ends, and lets every held shell go when closed', () => {
    const share = new OutputShare(options);
    const a = shell();
    const b = shell();
    share.took(a, 10_000);
    share.tick(100);
    share.took(a, 10_000);
    share.took(b, 10_000);
    expect(a.held && b.held).toBe(true);
    share.forget(a);
    share.close();
    expect(a.events).toEqual(['hold']);
    expect(b.events).toEqual(['hold', 'resume']);
  });
});

describe('terminal output share, its timer', () => {
  /** A share on a clock of its own, and a shell whose keys' echoes it takes, one every 50 ms. */
  function typedInto(keys: number) {
    let now = 0;
    const share = new OutputShare({ ...options, wakeBytes: 4096 }, () => now);
    const typist = shell();
    for (let key = 0; key < keys; key++) {
      share.took(typist, 20);
      now += 50;
    }
    return { share, typist };
  }

  it('runs no timer for typing, and starts one as soon as a window carries a flood', () => {
    // An hour of typing: a few bytes of echo every 50 ms, 20 KB a minute.
    const { share, typist } = typedInto(72_000);
    expect(share.running).toBe(false);
    // A `cat`: 5 KB in the same window.
    for (let i = 0; i < 5; i++) share.took(typist, 1024);
    expect(share.running).toBe(true);
    share.close();
    expect(share.running).toBe(false);
  });

  it('does not weigh what was typed long before a flood on the first pressed window', () => {
    const { share, typist: flood } = typedInto(10_000);
    share.took(flood, 8000);
    share.tick(120);
    // Half of the flood's window, not of the 200 KB typed over the previous minutes.
    expect(share.budgetBytes).toBe(4000);
    share.close();
  });

  it('stops its timer once a flood is over, even while the student goes on typing', async () => {
    const share = new OutputShare({ ...options, windowMs: 20, wakeBytes: 4096 });
    const student = shell();
    share.took(student, 64 * 1024);
    expect(share.running).toBe(true);
    // Fast typing: an echo every 5 ms, so every window carries some output.
    const deadline = performance.now() + 2000;
    while (share.running && performance.now() < deadline) {
      share.took(student, 20);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(share.running).toBe(false);
    share.close();
  });
});

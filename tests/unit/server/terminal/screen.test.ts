// Unit tests of the screen mirrors on the real worker: screens given back, sessions kept apart
// and served fairly, bounded backlogs, snapshot deadlines and a stalled worker replaced.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../server/log/log.ts';
import { ScreenMirrors } from '../../../../server/terminal/screen.ts';

const mirrors: ScreenMirrors[] = [];
afterEach(async () => {
  for (const m of mirrors.splice(0)) await m.close();
});

function make(options = {}) {
  const m = new ScreenMirrors(silentLogger, options);
  mirrors.push(m);
  return m;
}

describe('screen mirror', () => {
  it('gives back the screen, colours and UTF-8 included, after everything written so far', async () => {
    const screen = make().open(40, 5);
    screen.write(Buffer.from('\x1b[1;32mroot@bac\x1b[0m:~# echo été\r\nété ─┼─\r\n'));
    const snapshot = await screen.snapshot();
    expect(snapshot).toContain('été ─┼─');
    expect(snapshot).toContain('root@bac');
    // Green, as SGR 32 somewhere in a CSI ... m sequence.
    expect(snapshot).toMatch(new RegExp(String.raw`\u001b\[(?:[0-9;]*;)?32[;m]`));
  });

  it('keeps the full-screen program on the alternate screen', async () => {
    const screen = make().open(40, 5);
    screen.write(Buffer.from('avant\r\n\x1b[?1049h\x1b[Hdans vim'));
    const snapshot = await screen.snapshot();
    expect(snapshot).toContain('\x1b[?1049h');
    expect(snapshot).toContain('dans vim');
  });

  it('follows the terminal size', async () => {
    const screen = make().open(20, 5);
    screen.resize(30, 5);
    screen.write(Buffer.from('x'.repeat(25)));
    // At 30 columns the 25 characters stay on one line.
    expect(await screen.snapshot()).not.toContain('\r\n');
  });

  it('skips ahead to the latest output when its parser falls behind a flood', async () => {
    const screen = make({ maxBehindBytes: 64 * 1024, tailBytes: 8 * 1024 }).open(80, 10);
    for (let i = 0; i < 2000; i++)
      screen.write(Buffer.from(`ligne ${String(i).padStart(6, '0')} ${'-'.repeat(60)}\r\n`));
    const snapshot = await screen.snapshot();
    expect(snapshot).toContain('ligne 001999');
    expect(snapshot).not.toContain('ligne 000001 ');
  });

  it('keeps sessions apart', async () => {
    const m = make();
    const a = m.open(40, 5);
    const b = m.open(40, 5);
    a.write(Buffer.from('session A'));
    b.write(Buffer.from('session B'));
    expect(await a.snapshot()).not.toContain('session B');
    expect(await b.snapshot()).toContain('session B');
  });

  it('serves another session’s snapshot while one floods resizes and output', async () => {
    const m = make({ snapshotTimeoutMs: 120_000 });
    const a = m.open(80, 24);
    const b = m.open(80, 24);
    // Long lines: at 10 columns each one wraps, so a resize reflows them all.
    const lines = Buffer.from(Array.from({ length: 3000 }, (_, i) => `ligne ${i + 1} ${'-'.repeat(150)}`).join('\r\n'));
    a.write(lines);
    b.write(lines);
    await Promise.all([a.snapshot(), b.snapshot()]);
    // Each resize between these sizes reflows A's whole scrollback.
    for (let i = 0; i < 20_000; i++) {
      a.resize(i % 2 ? 500 : 10, i % 2 ? 200 : 3);
      if (i % 10 === 0) a.write(Buffer.from(`flot ${i}\r\n`));
    }
    const started = Date.now();
    const screen = await b.snapshot();
    const elapsed = Date.now() - started;
    process.stdout.write(`B's snapshot during A's flood of 20 000 resizes: ${elapsed} ms\n`);
    expect(screen).toContain('ligne 3000');
    // Without the per-session bound it waits for 20 000 reflows: minutes.
    expect(elapsed).toBeLessThan(10_000);
    // A's own screen ends at its latest size and output.
    a.resize(100, 30);
    const own = await a.snapshot();
    expect(own).toContain('flot 19990');
  }, 60_000);

  it('wakes the worker for small output once the shell is quiet, and at once for a snapshot', async () => {
    const m = make({ batchDelayMs: 60_000, batchMaxDelayMs: 120_000 });
    const a = m.open(40, 5);
    a.write(Buffer.from('écho'));
    // Nothing posted on the echo's way: the bytes wait here.
    expect(a.busy).toBe(false);
    expect(a.backlog).toBe(Buffer.byteLength('écho'));
    expect(await a.snapshot()).toContain('écho');
    expect(a.backlog).toBe(0);
    // With the usual delays, output is parsed without anyone asking.
    const b = make().open(40, 5);
    b.write(Buffer.from('invite'));
    await vi.waitFor(() => expect(b.backlog).toBe(0));
    await vi.waitFor(() => expect(b.busy).toBe(false));
    // Past batchBytes, a flood's output goes at once.
    b.write(Buffer.alloc(64 * 1024, 0x61));
    expect(b.busy).toBe(true);
  });

  it('holds a bounded backlog per session while the worker cannot keep up', () => {
    const m = make({
      workerUrl: new URL('../../fixtures/stalling-screen-worker.ts', import.meta.url),
      maxBehindBytes: 256 * 1024,
      tailBytes: 64 * 1024,
      stallMs: 60_000,
    });
    const a = m.open(80, 24);
    a.write(Buffer.from('STALL'));
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    for (let i = 0; i < 1000; i++) {
      a.write(chunk);
      expect(a.backlog).toBeLessThanOrEqual(256 * 1024 + chunk.length);
    }
    // Skipping: only the latest output is kept.
    expect(a.backlog).toBeLessThanOrEqual(64 * 1024 + chunk.length);
  });

  it('gives up a snapshot past its deadline, and replaces a worker that stalls', async () => {
    const m = make({
      workerUrl: new URL('../../fixtures/stalling-screen-worker.ts', import.meta.url),
      // Long enough for a first screen on a busy machine, short for a test.
      snapshotTimeoutMs: 2000,
      // A's STALL reaches the worker at once, before B asks for its screen.
      batchBytes: 1,
      stallMs: 4000,
    });
    const a = m.open(40, 5);
    const b = m.open(40, 5);
    b.write(Buffer.from('avant'));
    expect(await b.snapshot()).toContain('avant');
    a.write(Buffer.from('STALL'));
    const started = Date.now();
    // The worker is stuck: B's reconnect gets a blank screen rather than waiting.
    expect(await b.snapshot()).toBe('');
    expect(Date.now() - started).toBeLessThan(10_000);
    await vi.waitFor(() => expect(m.replaced).toBe(1), { timeout: 30_000 });
    // A fresh worker, blank screens, and the mirrors go on.
    b.write(Buffer.from('après'));
    const screen = await b.snapshot();
    expect(screen).toContain('après');
    expect(screen).not.toContain('avant');
  }, 60_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/log.ts';
import { ScreenMirrors } from './screen.ts';

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
});

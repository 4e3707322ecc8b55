// The terminal's control frames: the parser's French refusals, the budget, the resize coalescer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Coalescer, ControlBudget, controlFrames, parseControl } from '../../../../../server/http/terminal/messages.ts';

describe('parseControl', () => {
  it('accepts the contract messages', () => {
    expect(parseControl('{"type":"auth","token":"t"}')).toEqual({ type: 'auth', token: 't' });
    expect(parseControl('{"type":"auth","token":"t","flow":"ack"}')).toEqual({ type: 'auth', token: 't', flow: 'ack' });
    expect(parseControl('{"type":"resize","cols":80,"rows":24}')).toEqual({ type: 'resize', cols: 80, rows: 24 });
    expect(parseControl('{"type":"ack","bytes":4096}')).toEqual({ type: 'ack', bytes: 4096 });
    expect(parseControl('{"type":"ping"}')).toEqual({ type: 'ping' });
  });

  it.each([
    '{"type":"resize","cols":9,"rows":24}',
    '{"type":"resize","cols":501,"rows":24}',
    '{"type":"resize","cols":80,"rows":0}',
    '{"type":"resize","cols":80.5,"rows":24}',
    '{"type":"resize","cols":"80","rows":24}',
  ])('refuses the resize %s', (text) => {
    expect(parseControl(text)).toMatch(/Taille de terminal invalide/);
  });

  it('refuses bad JSON, unknown types and bad fields with French messages', () => {
    expect(parseControl('{oops')).toMatch(/illisible/);
    expect(parseControl('{"type":"rm -rf"}')).toMatch(/Type de message inconnu/);
    expect(parseControl('{"type":"auth","token":3}')).toMatch(/Authentification invalide/);
    expect(parseControl('{"type":"auth","token":"' + 'x'.repeat(300) + '"}')).toMatch(/Authentification invalide/);
    expect(parseControl('{"type":"ack","bytes":-1}')).toMatch(/invalide/);
    expect(parseControl('null')).toMatch(/invalide/);
    expect(parseControl('[1]')).toMatch(/objet JSON/);
    expect(parseControl('{"type":{"toString":1}}')).toMatch(/Type de message inconnu/);
  });

  it('refuses a frame past the socket’s limit unread, in the words the terminal always used', () => {
    const parse = controlFrames(16);
    expect(parse(Buffer.from('{"type":"ping"}'))).toEqual({ ok: true, message: { type: 'ping' } });
    expect(parse(Buffer.from('{"type":"ping","x":1}'))).toEqual({
      ok: false,
      reason: 'Message de contrôle trop gros (maximum 16 octets).',
      tooBig: true,
    });
  });
});

describe('ControlBudget', () => {
  it('serves a burst, then the rate, and counts what it refuses until the page calms down', () => {
    let now = 0;
    const budget = new ControlBudget(50, 10, () => now);
    const served = (n: number) => Array.from({ length: n }, () => budget.take()).filter(Boolean).length;
    expect(served(25)).toBe(10);
    expect(budget.dropped).toBe(15);
    // 50 a second: 100 ms gives five more, and the refusals go on counting.
    now += 100;
    expect(served(20)).toBe(5);
    expect(budget.dropped).toBe(30);
    // A quiet moment fills the bucket again: the page is forgiven.
    now += 1000;
    expect(budget.take()).toBe(true);
    expect(budget.dropped).toBe(0);
  });

  it('keeps counting a flood that goes on at twice the rate', () => {
    let now = 0;
    const budget = new ControlBudget(50, 100, () => now);
    for (let ms = 0; ms < 20_000; ms += 10) {
      now = ms;
      budget.take();
      budget.take();
    }
    // 100 frames a second against 50: about 50 refused a second, after the first 100 served.
    expect(budget.dropped).toBeGreaterThan(900);
  });
});

describe('Coalescer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('applies the first value at once, then at most one per interval, the latest winning', () => {
    vi.useFakeTimers();
    const applied: number[] = [];
    const coalescer = new Coalescer<number>(100, (v) => applied.push(v));
    coalescer.push(1);
    expect(applied).toEqual([1]);
    for (let i = 2; i <= 20_000; i++) coalescer.push(i);
    expect(applied).toEqual([1]);
    vi.advanceTimersByTime(99);
    expect(applied).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(applied).toEqual([1, 20_000]);
    // A flood spread over a second: ten at most, and the last one is the final value.
    for (let ms = 0; ms < 1000; ms += 5) {
      coalescer.push(ms);
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(200);
    expect(applied.length).toBeLessThanOrEqual(2 + 11);
    expect(applied.at(-1)).toBe(995);
  });

  it('forgets the value waiting when cancelled', () => {
    vi.useFakeTimers();
    const applied: number[] = [];
    const coalescer = new Coalescer<number>(100, (v) => applied.push(v));
    coalescer.push(1);
    coalescer.push(2);
    coalescer.cancel();
    vi.advanceTimersByTime(500);
    expect(applied).toEqual([1]);
    coalescer.push(3);
    expect(applied).toEqual([1, 3]);
  });
});

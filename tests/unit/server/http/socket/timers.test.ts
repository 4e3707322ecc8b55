// OwnedTimers: one timer per name, cleared by name, all cleared on close, none set afterwards.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OwnedTimers } from '../../../../../server/http/socket/timers.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('OwnedTimers', () => {
  it('runs a timeout once and forgets it', () => {
    const timers = new OwnedTimers();
    const run = vi.fn();
    timers.timeout('auth', 100, run);
    expect(timers.has('auth')).toBe(true);
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(1);
    expect(timers.has('auth')).toBe(false);
  });

  it('clears by name only the timer of that name', () => {
    const timers = new OwnedTimers();
    const auth = vi.fn();
    const beat = vi.fn();
    timers.timeout('auth', 100, auth);
    timers.interval('heartbeat', 50, beat);
    timers.clear('auth');
    vi.advanceTimersByTime(200);
    expect(auth).not.toHaveBeenCalled();
    expect(beat).toHaveBeenCalledTimes(4);
  });

  it('replaces a timer set again under the same name', () => {
    const timers = new OwnedTimers();
    const first = vi.fn();
    const second = vi.fn();
    timers.interval('progress', 10, first);
    timers.interval('progress', 10, second);
    vi.advanceTimersByTime(30);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(3);
  });

  it('clears everything on close, and refuses timers set afterwards', () => {
    const timers = new OwnedTimers();
    const run = vi.fn();
    timers.timeout('auth', 10, run);
    timers.interval('time', 10, run);
    timers.clearAll();
    timers.interval('progress', 10, run);
    vi.advanceTimersByTime(100);
    expect(run).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});

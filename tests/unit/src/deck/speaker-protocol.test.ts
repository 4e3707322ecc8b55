// Unit tests of the speaker view's pure logic: messages, slide position, time text and keys.
import { describe, expect, it } from 'vitest';
import {
  actionForKey,
  deckStateMessage,
  formatClock,
  formatElapsed,
  isSpeakerHello,
  previewState,
  readDeckState,
  readLayout,
  readRevealEvent,
  revealCall,
  samePlace,
  slidePosition,
  speakerHello,
  type KeyPress,
} from '../../../../src/deck/speaker-protocol.ts';

const press = (key: string, modifiers: Partial<KeyPress> = {}): KeyPress => ({
  key,
  shiftKey: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...modifiers,
});

describe('messages', () => {
  it('round-trips a deck state, keeping only the position', () => {
    const message = deckStateMessage({
      indexh: 2,
      indexv: 1,
      indexf: 0,
      paused: true,
      overview: false,
      previewIframe: 'x',
    } as Parameters<typeof deckStateMessage>[0]);
    expect(readDeckState(structuredClone(message))).toEqual({
      indexh: 2,
      indexv: 1,
      indexf: 0,
      paused: true,
      overview: false,
    });
  });

  it('refuses what is not a state message of ours', () => {
    expect(readDeckState(null)).toBeNull();
    expect(readDeckState('{"method":"next"}')).toBeNull();
    expect(readDeckState({ namespace: 'autre', type: 'state', state: { indexh: 0, indexv: 0 } })).toBeNull();
    expect(
      readDeckState({
        ...deckStateMessage({ indexh: 0, indexv: 0, paused: false, overview: false }),
        state: { indexh: -1, indexv: 0 },
      }),
    ).toBeNull();
    expect(readDeckState({ ...speakerHello, type: 'state', state: { indexh: 1.5, indexv: 0 } })).toBeNull();
  });

  it('recognises the speaker view’s hello', () => {
    expect(isSpeakerHello(structuredClone(speakerHello))).toBe(true);
    expect(isSpeakerHello(JSON.stringify(speakerHello))).toBe(false);
    expect(isSpeakerHello({ namespace: 'reveal', type: 'hello' })).toBe(false);
  });

  it('reads the events a preview’s reveal.js posts, and nothing else', () => {
    const ready = JSON.stringify({
      namespace: 'reveal',
      eventName: 'ready',
      state: { indexh: 0, indexv: 0, paused: false },
    });
    expect(readRevealEvent(ready)).toEqual({
      eventName: 'ready',
      state: { indexh: 0, indexv: 0, paused: false, overview: false },
    });
    const callback = JSON.stringify({
      namespace: 'reveal',
      eventName: 'callback',
      method: 'getState',
      result: { indexh: 1, indexv: 0 },
      state: { indexh: 1, indexv: 0 },
    });
    expect(readRevealEvent(callback)).toMatchObject({
      eventName: 'callback',
      method: 'getState',
      result: { indexh: 1, indexv: 0 },
    });
    expect(readRevealEvent('{pas du json}')).toBeNull();
    expect(readRevealEvent(JSON.stringify({ namespace: 'autre', eventName: 'ready' }))).toBeNull();
    expect(readRevealEvent({ namespace: 'reveal', eventName: 'ready' })).toBeNull();
  });

  it('writes reveal.js postMessage API calls as the JSON it parses', () => {
    expect(JSON.parse(revealCall('slide', [2, 0]))).toEqual({ method: 'slide', args: [2, 0] });
    expect(JSON.parse(revealCall('next'))).toEqual({ method: 'next', args: [] });
  });
});

describe('positions', () => {
  it('compares slide and fragment, not pause or overview', () => {
    const a = { indexh: 1, indexv: 2, paused: false, overview: false };
    expect(samePlace(a, { ...a, paused: true, overview: true })).toBe(true);
    expect(samePlace(a, { ...a, indexf: -1 })).toBe(true);
    expect(samePlace(a, { ...a, indexf: 0 })).toBe(false);
    expect(samePlace(a, { ...a, indexv: 1 })).toBe(false);
  });

  it('never shows the audience’s black screen or overview in a preview', () => {
    expect(previewState({ indexh: 3, indexv: 1, indexf: 2, paused: true, overview: true })).toEqual({
      indexh: 3,
      indexv: 1,
      indexf: 2,
      paused: false,
      overview: false,
    });
  });

  it('counts slides in reading order', () => {
    const sizes = [11, 11, 23, 25, 1, 4, 5];
    expect(slidePosition({ indexh: 0, indexv: 0 }, sizes)).toEqual({ number: 1, total: 80 });
    expect(slidePosition({ indexh: 1, indexv: 0 }, sizes)).toEqual({ number: 12, total: 80 });
    expect(slidePosition({ indexh: 0, indexv: 1 }, sizes)).toEqual({ number: 2, total: 80 });
    expect(slidePosition({ indexh: 6, indexv: 4 }, sizes)).toEqual({ number: 80, total: 80 });
    expect(slidePosition({ indexh: 9, indexv: 9 }, sizes)).toEqual({ number: 80, total: 80 });
  });
});

describe('time', () => {
  it('writes elapsed time as hours, minutes and seconds', () => {
    expect(formatElapsed(0)).toBe('00:00:00');
    expect(formatElapsed(59_999)).toBe('00:00:59');
    expect(formatElapsed((1 * 3600 + 2 * 60 + 3) * 1000)).toBe('01:02:03');
    expect(formatElapsed(-5000)).toBe('00:00:00');
  });

  it('writes the clock the French way', () => {
    expect(formatClock(new Date(2025, 0, 1, 14, 5))).toBe('14:05');
    expect(formatClock(new Date(2025, 0, 1, 9, 7))).toBe('09:07');
  });
});

describe('layouts and keys', () => {
  it('falls back to the standard layout', () => {
    expect(readLayout('notes-only')).toBe('notes-only');
    expect(readLayout('toString')).toBe('standard');
    expect(readLayout(null)).toBe('standard');
  });

  it('maps the deck’s navigation keys to reveal.js API calls', () => {
    expect(actionForKey(press('ArrowRight'), 7)).toEqual({ kind: 'deck', method: 'right' });
    expect(actionForKey(press('ArrowDown'), 7)).toEqual({ kind: 'deck', method: 'down' });
    expect(actionForKey(press(' '), 7)).toEqual({ kind: 'deck', method: 'next' });
    expect(actionForKey(press(' ', { shiftKey: true }), 7)).toEqual({ kind: 'deck', method: 'prev' });
    expect(actionForKey(press('PageUp'), 7)).toEqual({ kind: 'deck', method: 'prev' });
    expect(actionForKey(press('End'), 7)).toEqual({ kind: 'deck', method: 'slide', args: [6, 0] });
    expect(actionForKey(press('b'), 7)).toEqual({ kind: 'deck', method: 'togglePause' });
  });

  it('keeps its own keys, and leaves the browser’s shortcuts alone', () => {
    expect(actionForKey(press('r'), 7)).toEqual({ kind: 'reset-timer' });
    expect(actionForKey(press('?', { shiftKey: true }), 7)).toEqual({ kind: 'help' });
    expect(actionForKey(press('r', { ctrlKey: true }), 7)).toBeNull();
    expect(actionForKey(press('ArrowLeft', { altKey: true }), 7)).toBeNull();
    expect(actionForKey(press('x'), 7)).toBeNull();
  });
});

// The deck's position as the class feed carries it ({h, v, f}), read from reveal.js and applied
// to it; f is -1 when no fragment is shown (reveal.js leaves it undefined on slides without any).
import type { RevealApi } from 'reveal.js';

export interface DeckPosition {
  h: number;
  v: number;
  f: number;
}

export function readPosition(deck: RevealApi): DeckPosition {
  const { h, v, f } = deck.getIndices();
  const index = (n: unknown, fallback: number) => (typeof n === 'number' && Number.isInteger(n) ? n : fallback);
  return { h: index(h, 0), v: index(v, 0), f: index(f, -1) };
}

export function samePosition(a: DeckPosition, b: DeckPosition): boolean {
  return a.h === b.h && a.v === b.v && a.f === b.f;
}

/** Runs `start` once reveal.js is ready (now if it already is). */
export function whenDeckReady(deck: RevealApi, start: () => void): void {
  if (deck.isReady()) start();
  else deck.on('ready', () => start(), { once: true });
}

/** The speaker view's previews and the print layout are copies of the deck: they stay out of the class. */
export function isDeckCopy(): boolean {
  return window.self !== window.top || /[?&](receiver|print-pdf)/i.test(window.location.search);
}

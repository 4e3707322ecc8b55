// What the deck window and its speaker view say to each other, and the speaker view's pure logic
// (slide position, clock and timer text, keys). No DOM here, so it is unit tested under Node.

/** Tags every message of ours, so neither window mistakes reveal.js's own messages for them. */
export const speakerNamespace = 'cours-docker/presentateur';

/** Where the deck stands: the part of reveal.js's `getState()` the speaker view uses. */
export interface DeckPosition {
  indexh: number;
  indexv: number;
  /** The last fragment shown on the slide; absent when none is. */
  indexf?: number;
  /** The audience sees a black screen (reveal.js's pause, keys B or .). */
  paused: boolean;
  overview: boolean;
}

/** The speaker view says it is there (on load, then every second, so a reloaded deck finds it again). */
export interface SpeakerHello {
  namespace: typeof speakerNamespace;
  type: 'hello';
}

/** The deck window tells the speaker view where it stands, after each move. */
export interface DeckStateMessage {
  namespace: typeof speakerNamespace;
  type: 'state';
  state: DeckPosition;
}

export const speakerHello: SpeakerHello = { namespace: speakerNamespace, type: 'hello' };

export function deckStateMessage(state: DeckPosition): DeckStateMessage {
  return { namespace: speakerNamespace, type: 'state', state: toPosition(state) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** The position in a state-like object, or null if it is not one. */
export function readPosition(value: unknown): DeckPosition | null {
  if (!isRecord(value) || !isIndex(value.indexh) || !isIndex(value.indexv)) return null;
  const position: DeckPosition = {
    indexh: value.indexh,
    indexv: value.indexv,
    paused: value.paused === true,
    overview: value.overview === true,
  };
  if (typeof value.indexf === 'number' && Number.isInteger(value.indexf)) position.indexf = value.indexf;
  return position;
}

function toPosition(state: DeckPosition): DeckPosition {
  return readPosition(state) ?? { indexh: 0, indexv: 0, paused: false, overview: false };
}

export function isSpeakerHello(data: unknown): boolean {
  return isRecord(data) && data.namespace === speakerNamespace && data.type === 'hello';
}

/** The position a deck window sent, or null if the message is not a state message of ours. */
export function readDeckState(data: unknown): DeckPosition | null {
  if (!isRecord(data) || data.namespace !== speakerNamespace || data.type !== 'state') return null;
  return readPosition(data.state);
}

/** An event a preview's reveal.js posted to its parent (`postMessageEvents`), as JSON text. */
export interface RevealEvent {
  eventName: string;
  state: DeckPosition | null;
  /** For `callback` events: the API method called and what it returned. */
  method?: string;
  result?: unknown;
}

export function readRevealEvent(data: unknown): RevealEvent | null {
  if (typeof data !== 'string' || !data.startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || parsed.namespace !== 'reveal' || typeof parsed.eventName !== 'string') return null;
  const event: RevealEvent = { eventName: parsed.eventName, state: readPosition(parsed.state) };
  if (typeof parsed.method === 'string') {
    event.method = parsed.method;
    event.result = parsed.result;
  }
  return event;
}

/** A call of reveal.js's postMessage API (`postMessage: true`), as the JSON text it expects. */
export function revealCall(method: string, args: unknown[] = []): string {
  return JSON.stringify({ method, args });
}

/** Two positions on the same slide and fragment (pause and overview aside). */
export function samePlace(a: DeckPosition, b: DeckPosition): boolean {
  return a.indexh === b.indexh && a.indexv === b.indexv && (a.indexf ?? -1) === (b.indexf ?? -1);
}

/** What a preview shows: the slide alone, never the audience's black screen or overview. */
export function previewState(state: DeckPosition): DeckPosition {
  const preview: DeckPosition = { indexh: state.indexh, indexv: state.indexv, paused: false, overview: false };
  if (state.indexf !== undefined) preview.indexf = state.indexf;
  return preview;
}

/** The slide's rank in reading order and the slide count, for « 12 / 80 ». */
export function slidePosition(
  position: Pick<DeckPosition, 'indexh' | 'indexv'>,
  sectionSizes: readonly number[],
): { number: number; total: number } {
  const total = sectionSizes.reduce((sum, size) => sum + size, 0);
  const h = Math.min(position.indexh, sectionSizes.length - 1);
  const before = sectionSizes.slice(0, Math.max(h, 0)).reduce((sum, size) => sum + size, 0);
  const v = Math.min(position.indexv, (sectionSizes[h] ?? 1) - 1);
  return { number: Math.min(before + Math.max(v, 0) + 1, total), total };
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

/** Elapsed time as « 01:02:03 » (hours, minutes, seconds). */
export function formatElapsed(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  return `${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}`;
}

const clockFormat = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });

/** The time of day as « 14:05 ». */
export function formatClock(date: Date): string {
  return clockFormat.format(date);
}

/** The speaker view's layouts (« Disposition »): the body's data-layout, saved per browser. */
export const speakerLayouts = {
  standard: 'Standard',
  'notes-large': 'Notes en grand',
  'notes-only': 'Notes seules',
} as const;
export type SpeakerLayout = keyof typeof speakerLayouts;

export function readLayout(value: string | null | undefined): SpeakerLayout {
  return value && Object.hasOwn(speakerLayouts, value) ? (value as SpeakerLayout) : 'standard';
}

/** What a key does in the speaker view: a reveal.js API call on the deck window, or a local action. */
export type SpeakerAction =
  | { kind: 'deck'; method: 'next' | 'prev' | 'left' | 'right' | 'up' | 'down' | 'togglePause' }
  | { kind: 'deck'; method: 'slide'; args: [number, number] }
  | { kind: 'reset-timer' }
  | { kind: 'help' };

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/**
 * The speaker view's keys: the deck's own navigation keys (reveal.js's), so the instructor's
 * habits and a presentation remote (arrows, page up/down, B) work the same in both windows.
 * Keys are read by `key`, not `keyCode`, so « ? » works on an AZERTY keyboard too.
 */
export function actionForKey(press: KeyPress, sectionCount: number): SpeakerAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  switch (press.key) {
    case 'ArrowRight':
      return { kind: 'deck', method: 'right' };
    case 'ArrowLeft':
      return { kind: 'deck', method: 'left' };
    case 'ArrowUp':
      return { kind: 'deck', method: 'up' };
    case 'ArrowDown':
      return { kind: 'deck', method: 'down' };
    case ' ':
      return { kind: 'deck', method: press.shiftKey ? 'prev' : 'next' };
    case 'PageDown':
    case 'n':
    case 'N':
      return { kind: 'deck', method: 'next' };
    case 'PageUp':
    case 'p':
    case 'P':
      return { kind: 'deck', method: 'prev' };
    case 'Home':
      return { kind: 'deck', method: 'slide', args: [0, 0] };
    case 'End':
      return { kind: 'deck', method: 'slide', args: [Math.max(sectionCount - 1, 0), 0] };
    case 'b':
    case 'B':
    case '.':
      return { kind: 'deck', method: 'togglePause' };
    case 'r':
    case 'R':
      return { kind: 'reset-timer' };
    case '?':
    case 'F1':
      return { kind: 'help' };
    default:
      return null;
  }
}

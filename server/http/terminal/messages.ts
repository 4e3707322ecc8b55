// The terminal's control frames: parsed, refused in French, budgeted, resizes coalesced.
import { clientMessageSchema, type ClientMessage } from '../../../shared/contract.ts';
import { terminalBounds } from '../../../shared/limits.ts';
import { parseFrame, typeOf, type Frame } from '../socket/frames.ts';

/** Why a JSON value is not one of the terminal's control messages, in French. */
function invalidControl(value: unknown): string {
  const type = typeOf(value);
  switch (type) {
    case 'auth':
      return 'Authentification invalide : {"type":"auth","token":"..."} attendu.';
    case 'resize': {
      const b = terminalBounds;
      return `Taille de terminal invalide : colonnes entre ${b.minCols} et ${b.maxCols}, lignes entre ${b.minRows} et ${b.maxRows}.`;
    }
    case 'ack':
      return 'Accusé de réception invalide : {"type":"ack","bytes":<entier positif>} attendu.';
    default:
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? `Type de message inconnu : ${typeof type === 'string' ? type.slice(0, 40) : typeof type}.`
        : 'Message de contrôle invalide : un objet JSON est attendu.';
  }
}

/** The parser of the terminal's control frames, refusing those past `maxBytes` unread. */
export function controlFrames(maxBytes: number): (data: Buffer) => Frame<ClientMessage> {
  return parseFrame(clientMessageSchema, {
    maxBytes,
    tooBig: `Message de contrôle trop gros (maximum ${maxBytes} octets).`,
    unreadable: 'Message de contrôle illisible : JSON attendu.',
    invalid: invalidControl,
  });
}

const unbounded = controlFrames(Number.POSITIVE_INFINITY);

/** The client's control message, or the French reason it was refused (no size limit). */
export function parseControl(text: string): ClientMessage | string {
  const frame = unbounded(Buffer.from(text, 'utf8'));
  return frame.ok ? frame.message : frame.reason;
}

/**
 * A token bucket for a connection's control frames: `perSecond` on average, `burst` at once.
 * `dropped` counts the frames refused since the bucket was last full, so a page that only
 * overran for a moment is forgiven once it calms down, and one that keeps flooding is not.
 */
export class ControlBudget {
  private tokens: number;
  private last: number;
  /** Frames refused since the bucket was last full. */
  dropped = 0;
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(perSecond: number, burst: number, now: () => number = Date.now) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.now = now;
    this.tokens = burst;
    this.last = now();
  }

  /** Whether one more frame may be served now; a refused one is counted in `dropped`. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= this.burst) this.dropped = 0;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped++;
    return false;
  }
}

/**
 * Applies only the latest of a stream of values, at most once per `intervalMs`: the first at
 * once, the next ones at the end of the interval (trailing edge), so the last value always wins.
 */
export class Coalescer<T> {
  private pending: { value: T } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last = -Infinity;
  private readonly intervalMs: number;
  private readonly apply: (value: T) => void;
  private readonly now: () => number;

  constructor(intervalMs: number, apply: (value: T) => void, now: () => number = Date.now) {
    this.intervalMs = intervalMs;
    this.apply = apply;
    this.now = now;
  }

  push(value: T): void {
    this.pending = { value };
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Forgets the value waiting, if any (it was applied some other way). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.last = this.now();
    this.apply(pending.value);
  }
}

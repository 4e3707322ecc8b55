// What keeps one client address from guessing class codes or filling a class: a backoff that
// doubles with each wrong code (join and recover), and a pace for joins (a burst, then one
// every few seconds). In memory: a restart forgets them, which costs a guesser nothing new.
import { isIPv4, isIPv6 } from 'node:net';
import { HttpError } from '../errors.ts';

/**
 * The key of a client address: an IPv4 address as is, an IPv6 address by its /64 (one home or
 * one phone gets a whole /64, and picks addresses in it at will).
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Wrong codes an address may type before each further try waits: a class mistypes a few. */
const freeFailures = 10;
/** The first wait, doubled at each further wrong code. */
const firstWaitMs = 2_000;
/**
 * The longest wait: a minute. A class behind one NAT shares its address, so one student's wrong
 * codes make classmates wait too: a minute at worst. Guessing stays hopeless at one try a minute
 * (31^8 codes: about 1600 years for a live code among a thousand classes).
 */
const longestWaitMs = 60_000;
/** A quiet address's wrong codes are forgotten after this long. */
const forgetMs = 24 * 60 * 60_000;
/** Addresses remembered at most, oldest forgotten first: a bounded memory under a flood. */
const maxAddresses = 50_000;

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function wait(ms: number): string {
  const s = seconds(ms);
  return s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

/** An answer to a client that must wait: a 429, with when to try again (Retry-After). */
export class RetryLaterError extends HttpError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterMs: number) {
    super(429, message);
    this.retryAfterSeconds = seconds(retryAfterMs);
  }
}

interface Failures {
  count: number;
  last: number;
  /** No try is taken before this time. */
  until: number;
}

/** Wrong class codes (and recovery codes) per address, and the wait they earn. */
export class CodeGuesses {
  private readonly failures = new Map<string, Failures>();

  /** Throws a RetryLaterError while the address must wait. */
  check(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    if (!entry) return;
    if (now - entry.last > forgetMs) {
      this.failures.delete(address);
      return;
    }
    if (now < entry.until) {
      throw new RetryLaterError(
        `Trop de codes erronés depuis votre adresse : réessayez dans ${wait(entry.until - now)}, en vérifiant le code affiché par le formateur.`,
        entry.until - now,
      );
    }
  }

  /** A wrong code: past the free ones, the next try waits twice as long as the last. */
  failed(address: string, now = Date.now()): void {
    const entry = this.failures.get(address) ?? { count: 0, last: now, until: 0 };
    entry.count++;
    entry.last = now;
    const over = entry.count - freeFailures;
    if (over > 0) entry.until = now + Math.min(longestWaitMs, firstWaitMs * 2 ** Math.min(over - 1, 30));
    // Re-inserted last: the Map's order is then the order of last failure, oldest first.
    this.failures.delete(address);
    this.failures.set(address, entry);
    if (this.failures.size > maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }
}

export interface JoinPaceOptions {
  /** Joins an address may make at once: a row of students behind one NAT. */
  burst: number;
  /** Then one join per this many milliseconds. */
  intervalMs: number;
  /** A join waits its turn this long at most; later ones are refused (429). */
  maxWaitMs: number;
}

/**
 * A burst of 10 at once, then one every 2 s (30 a minute): a class of 30 behind one NAT, all
 * joining at the instructor's word, is in within 40 s, each waiting at most 20 s for their
 * turn; one address cannot fill a 200-seat class in a burst (it takes over 6 minutes).
 */
export const defaultJoinPace: JoinPaceOptions = { burst: 10, intervalMs: 2_000, maxWaitMs: 20_000 };

/** Paces the joins of each address: a token bucket where a join may wait for its token. */
export class JoinPace {
  private readonly options: JoinPaceOptions;
  /** Per address: when its bucket was last full (the time from which its tokens are counted). */
  private readonly clocks = new Map<string, number>();

  constructor(options: JoinPaceOptions = defaultJoinPace) {
    this.options = options;
  }

  /** Takes a turn: answers how long to wait for it, or throws a RetryLaterError. */
  reserve(address: string, now = Date.now()): number {
    const { burst, intervalMs, maxWaitMs } = this.options;
    // The bucket as a clock: full when the clock is burst × interval behind now.
    const clock = Math.max(this.clocks.get(address) ?? 0, now - burst * intervalMs);
    const next = clock + intervalMs;
    const waitMs = Math.max(0, next - now);
    if (waitMs > maxWaitMs) {
      throw new RetryLaterError(
        `Beaucoup d’élèves rejoignent un cours depuis votre réseau en même temps : réessayez dans ${wait(waitMs - maxWaitMs)}.`,
        waitMs - maxWaitMs,
      );
    }
    this.clocks.delete(address);
    this.clocks.set(address, next);
    // Addresses whose bucket is full again hold nothing worth keeping.
    for (const [key, at] of this.clocks) {
      if (at > now - burst * intervalMs) break;
      this.clocks.delete(key);
    }
    return waitMs;
  }
}

// Slows down guesses of the instructor's password, whether they come one after the other or all
// at once: each guess waits its turn per key (its address, or the browser that signed in before),
// is counted as a failure when its turn starts and is forgiven only if the password was right,
// so 22 guesses sent together wait as long as 22 sent in a row. Past a budget of failures from
// all addresses, guesses from browsers never signed in also queue on one shared key.
import pLimit from 'p-limit';

export interface SignInThrottleOptions {
  /** The wait after the first failure; each further failure doubles it. */
  baseDelayMs?: number;
  /** The longest wait between two guesses on one key. */
  maxDelayMs?: number;
  /** A key's failures are forgotten this long after its last one. */
  memoryMs?: number;
  /** A guess whose turn would come later than this is refused at once (429): a reverse proxy would cut it anyway. */
  maxWaitMs?: number;
  /** Failed sign-ins from all addresses, within `budgetWindowMs`, before the shared queue applies. */
  budget?: number;
  budgetWindowMs?: number;
  /** Guesses waiting at once, all keys together: beyond, refused (each holds a connection). */
  maxPending?: number;
  /** Keys remembered: the oldest idle ones are forgotten first. */
  maxKeys?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Who guesses: their address, and the id of their browser's device cookie if it is valid. */
export interface Guesser {
  address: string;
  device?: string;
}

export type SignInAttempt =
  | { outcome: 'signed-in' }
  /** `retryInMs`: the wait the next guess from this key will face. */
  | { outcome: 'wrong'; retryInMs: number }
  /** Not checked: the queue is too long. `shared`: the queue of every never-signed-in browser. */
  | { outcome: 'busy'; retryInMs: number; shared: boolean };

interface KeyState {
  failures: number;
  last: number;
  pending: number;
  /** Settles when the guess ahead in this key's queue is done. */
  tail: Promise<void>;
}

/** The shared key over budget: every browser that has not signed in before. */
const sharedKey = '*';

export class SignInThrottle {
  readonly #base: number;
  readonly #max: number;
  readonly #memory: number;
  readonly #maxWait: number;
  readonly #budget: number;
  readonly #window: number;
  readonly #maxPending: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #keys = new Map<string, KeyState>();
  /** When the failures of the budget window happened, oldest first. */
  readonly #failures: number[] = [];
  /** One scrypt at a time: a flood of guesses never takes more than one core. */
  readonly #checks = pLimit(1);
  #pending = 0;
  /** Password checks performed so far (for tests and logs). */
  checks = 0;

  constructor(options: SignInThrottleOptions = {}) {
    // 250 ms doubling to 16 s: a typo costs nothing noticeable, a guessing script ~4 tries a minute.
    this.#base = options.baseDelayMs ?? 250;
    this.#max = options.maxDelayMs ?? 16_000;
    this.#memory = options.memoryMs ?? 15 * 60_000;
    // Under the 60 s most reverse proxies give an answer.
    this.#maxWait = options.maxWaitMs ?? 45_000;
    // 50 failures in 10 min: far more than a class's instructor mistyping, far fewer than a
    // guessing campaign from many addresses, which then shares one queue of ≤ 1 guess per 16 s.
    this.#budget = options.budget ?? 50;
    this.#window = options.budgetWindowMs ?? 10 * 60_000;
    this.#maxPending = options.maxPending ?? 256;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Whether the failures of the last window reached the budget. */
  get overBudget(): boolean {
    const since = this.#now() - this.#window;
    while (this.#failures.length > 0 && (this.#failures[0] ?? 0) <= since) this.#failures.shift();
    return this.#failures.length >= this.#budget;
  }

  /** Waits this guess's turn, then runs `check` (the password comparison) unless refused first. */
  async attempt(guesser: Guesser, check: () => Promise<boolean>): Promise<SignInAttempt> {
    // A browser that signed in before has proved it knew the password: neither the others at
    // its address (a class shares one) nor a campaign over budget can make it wait.
    const names = guesser.device
      ? [`appareil:${guesser.device}`]
      : this.overBudget
        ? [`adresse:${guesser.address}`, sharedKey]
        : [`adresse:${guesser.address}`];
    const keys = names.map((name) => this.#state(name));
    const waits = keys.map((key) => this.#projectedWait(key));
    const longest = Math.max(...waits.map((w) => w.ahead + w.own));
    if (longest > this.#maxWait || this.#pending >= this.#maxPending) {
      const shared = names.length > 1 && (waits[1]?.ahead ?? 0) + (waits[1]?.own ?? 0) > this.#maxWait;
      // Once the guesses ahead are done, this one's own wait fits.
      return { outcome: 'busy', retryInMs: Math.max(1000, ...waits.map((w) => w.ahead)), shared };
    }
    this.#pending++;
    for (const key of keys) key.pending++;
    const releases: (() => void)[] = [];
    try {
      // Always in the same order (own key, then the shared one): no two guesses wait for each other.
      for (const key of keys) releases.push(await this.#acquire(key));
      const now = this.#now();
      let wait = 0;
      for (const key of keys) {
        if (now - key.last > this.#memory) key.failures = 0;
        wait = Math.max(wait, this.#delay(key.failures));
        // Counted before the check: a guess that is still running already slows the next one.
        key.failures++;
        key.last = now;
      }
      this.#failures.push(now);
      if (this.#failures.length > 100_000) this.#failures.shift();
      if (wait > 0) await this.#sleep(wait);
      const right = await this.#checks(() => {
        this.checks++;
        return check();
      });
      if (right) {
        // Forgiven: whoever knows the password was not guessing. The shared key is not theirs.
        if (keys[0]) keys[0].failures = 0;
        const at = this.#failures.lastIndexOf(now);
        if (at >= 0) this.#failures.splice(at, 1);
        return { outcome: 'signed-in' };
      }
      return { outcome: 'wrong', retryInMs: Math.max(...keys.map((key) => this.#delay(key.failures))) };
    } finally {
      for (const release of releases) release();
      for (const key of keys) key.pending--;
      this.#pending--;
    }
  }

  /** The wait before a guess, after `failures` failed ones. */
  #delay(failures: number): number {
    return failures <= 0 ? 0 : Math.min(this.#max, this.#base * 2 ** (failures - 1));
  }

  /** How long a new guess on this key would wait: for the guesses queued ahead, then its own delay. */
  #projectedWait(key: KeyState): { ahead: number; own: number } {
    const failures = this.#now() - key.last > this.#memory ? 0 : key.failures;
    let ahead = 0;
    for (let queued = 0; queued < key.pending; queued++) ahead += this.#delay(failures + queued);
    return { ahead, own: this.#delay(failures + key.pending) };
  }

  #state(name: string): KeyState {
    let key = this.#keys.get(name);
    if (key) {
      // Most recently used last: eviction takes the idle ones at the front.
      this.#keys.delete(name);
    } else {
      key = { failures: 0, last: 0, pending: 0, tail: Promise.resolve() };
      for (const [old, state] of this.#keys) {
        if (this.#keys.size < this.#maxKeys) break;
        if (state.pending === 0) this.#keys.delete(old);
      }
    }
    this.#keys.set(name, key);
    return key;
  }

  async #acquire(key: KeyState): Promise<() => void> {
    const ahead = key.tail;
    let release!: () => void;
    key.tail = new Promise<void>((resolve) => (release = resolve));
    await ahead;
    return release;
  }
}

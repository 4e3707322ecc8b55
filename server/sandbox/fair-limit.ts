// A concurrency bound shared fairly between keys (sessions): at most `concurrency` tasks run at
// once in all, at most `perKey` of them for one key, and the free slots go round-robin to the
// keys that wait, so one session flooding the bound only ever waits behind itself. Past
// `maxQueuedPerKey` waiting tasks, a key's next task is refused at once (FairLimitBusyError).

/** A key already has as many tasks waiting as it may: the caller answers « trop de demandes ». */
export class FairLimitBusyError extends Error {
  override name = 'FairLimitBusyError';
  readonly key: string;
  constructor(key: string, what: string) {
    super(`${what}: too many tasks waiting for ${key}`);
    this.key = key;
  }
}

export interface FairLimitOptions {
  /** Most tasks running at once, all keys together (Infinity: only the per-key bound). */
  concurrency: number;
  /** Most tasks of one key running at once. */
  perKey: number;
  /** Most tasks of one key waiting for a slot; more are refused. */
  maxQueuedPerKey: number;
  /** Names the bound in errors and logs. */
  name: string;
}

interface KeyState {
  running: number;
  queue: (() => void)[];
}

export class FairLimit {
  readonly options: FairLimitOptions;
  private readonly keys = new Map<string, KeyState>();
  /** Keys with waiting tasks, in the order they are served next. */
  private readonly rotation: string[] = [];
  private running = 0;

  constructor(options: FairLimitOptions) {
    this.options = { ...options, perKey: Math.max(1, options.perKey), concurrency: Math.max(1, options.concurrency) };
  }

  /** Runs `work` for `key` in its turn; rejects with FairLimitBusyError when the key's queue is full. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** A slot for `key`, held until the returned function is called (once; later calls do nothing). */
  acquire(key: string): Promise<() => void> {
    let state = this.keys.get(key);
    if (!state) {
      state = { running: 0, queue: [] };
      this.keys.set(key, state);
    }
    if (state.queue.length >= this.options.maxQueuedPerKey && !this.startsNow(state)) {
      this.forget(key, state);
      return Promise.reject(new FairLimitBusyError(key, this.options.name));
    }
    const own = state;
    return new Promise((resolve) => {
      own.queue.push(() => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          own.running--;
          this.running--;
          this.forget(key, own);
          this.dispatch();
        });
      });
      if (own.queue.length === 1) this.rotation.push(key);
      this.dispatch();
    });
  }

  /** Tasks running and waiting, in all and for one key. */
  counts(key?: string): { running: number; waiting: number } {
    if (key !== undefined) {
      const state = this.keys.get(key);
      return { running: state?.running ?? 0, waiting: state?.queue.length ?? 0 };
    }
    let waiting = 0;
    for (const state of this.keys.values()) waiting += state.queue.length;
    return { running: this.running, waiting };
  }

  /** A new task of this key would start at once (nothing of it waits, a slot is free). */
  private startsNow(state: KeyState): boolean {
    return state.queue.length === 0 && state.running < this.options.perKey && this.running < this.options.concurrency;
  }

  /** Hands free slots to the waiting keys in turn, skipping those at their own bound. */
  private dispatch(): void {
    let index = 0;
    while (this.running < this.options.concurrency && index < this.rotation.length) {
      const key = this.rotation[index] as string;
      const state = this.keys.get(key);
      if (!state || state.queue.length === 0) {
        this.rotation.splice(index, 1);
        continue;
      }
      if (state.running >= this.options.perKey) {
        index++;
        continue;
      }
      const start = state.queue.shift() as () => void;
      state.running++;
      this.running++;
      // Served: the key goes to the back of the line (or leaves it, with nothing left waiting).
      this.rotation.splice(index, 1);
      if (state.queue.length > 0) this.rotation.push(key);
      start();
    }
  }

  private forget(key: string, state: KeyState): void {
    if (state.running === 0 && state.queue.length === 0 && this.keys.get(key) === state) this.keys.delete(key);
  }
}

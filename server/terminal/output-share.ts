// The fair share of terminal output when the server is pressed. A shell that prints as fast as
// it can (`cat /dev/urandom | base64`) keeps the sandbox, the engine's attach stream, the server
// and the screen worker busy on a 2-core machine, and every other student then waits. While the
// event loop keeps its time, output is never slowed; once it falls behind, each shell may only
// take a budget of bytes per window, halved while the lag lasts and doubled back once it is
// gone. Over budget, a shell is held (the same backpressure as a slow browser: the sandbox's
// process waits on its pty), so only the flooding terminal slows, never a student's typing.

export interface OutputShareOptions {
  /** Length of a budget window. */
  windowMs: number;
  /** Event-loop delay, over a window, above which the server counts as pressed. */
  lagThresholdMs: number;
  /** A shell may always take this much per window, however pressed the server is. */
  minBudgetBytes: number;
  /** Windows in a row without lag before the budget is doubled. */
  calmWindows: number;
  /**
   * Output in one window that starts the window timer. Below it (typing, a prompt, a short
   * `ls`) no timer runs: waking the event loop every 10 ms while a student types would cost
   * each keystroke's echo more than the share could ever save.
   */
  wakeBytes: number;
}

export const defaultOutputShareOptions: OutputShareOptions = {
  windowMs: 100,
  // Half the health target (p95 < 100 ms): a lone `cat` of a big file, whose own garbage
  // collections cost a few tens of ms, goes at full speed on a quiet machine.
  lagThresholdMs: 50,
  // 320 KB/s: far more than anyone reads, enough for a build's log to scroll by at once.
  minBudgetBytes: 32 * 1024,
  calmWindows: 2,
  // Half the smallest budget: a flood reaches it within its first milliseconds.
  wakeBytes: 16 * 1024,
};

/** What the share asks of a shell. */
export interface SharedOutput {
  /** Stop reading the shell's output until `resume`. */
  hold(): void;
  resume(): void;
}

/** Shells report the bytes they take; the share holds those over budget until the next window. */
export class OutputShare {
  private readonly options: OutputShareOptions;
  /** Bytes each shell took in the current window. */
  private readonly taken = new Map<SharedOutput, number>();
  private readonly held = new Set<SharedOutput>();
  /** Bytes a shell may take per window; Infinity while the server keeps its time. */
  private budget = Number.POSITIVE_INFINITY;
  private calm = 0;
  private timer: NodeJS.Timeout | undefined;
  private tickAt = 0;
  private worstLag = 0;
  /** While no timer runs: output since `quietStart`, to know when one is needed. */
  private quietBytes = 0;
  private quietStart = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(options: Partial<OutputShareOptions> = {}, now: () => number = () => performance.now()) {
    this.options = { ...defaultOutputShareOptions, ...options };
    this.now = now;
  }

  /** The budget per window now (for metrics and tests). */
  get budgetBytes(): number {
    return this.budget;
  }

  /** A shell took `bytes` of output: holds it when that is past its budget. */
  took(shell: SharedOutput, bytes: number): void {
    if (!this.timer) this.wake(bytes);
    const total = (this.taken.get(shell) ?? 0) + bytes;
    this.taken.set(shell, total);
    if (total > this.budget && !this.held.has(shell)) {
      this.held.add(shell);
      shell.hold();
    }
  }

  /** A shell that ends is forgotten. */
  forget(shell: SharedOutput): void {
    this.taken.delete(shell);
    this.held.delete(shell);
  }

  /**
   * One window's end: the lag seen since the last one decides the next budget, and held
   * shells go on. Called by the timer; tests call it with the lag they want.
   */
  tick(lagMs: number): void {
    const { lagThresholdMs, minBudgetBytes, calmWindows } = this.options;
    if (lagMs > lagThresholdMs) {
      this.calm = 0;
      // Start from what the heaviest shell took: halving Infinity would change nothing.
      const heaviest = Math.max(0, ...this.taken.values());
      this.budget = Math.max(minBudgetBytes, Math.min(this.budget, heaviest) / 2);
    } else if (Number.isFinite(this.budget) && ++this.calm >= calmWindows) {
      this.calm = 0;
      this.budget *= 2;
      // Far past what any shell took: the server is not pressed any more.
      if (this.budget > 64 * 1024 * 1024) this.budget = Number.POSITIVE_INFINITY;
    }
    this.taken.clear();
    const held = [...this.held];
    this.held.clear();
    for (const shell of held) shell.resume();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const shell of this.held) shell.resume();
    this.held.clear();
  }

  /** Whether the window timer runs (for tests). */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Without a timer, counts output per window of its own and starts the timer past `wakeBytes`. */
  private wake(bytes: number): void {
    const now = this.now();
    if (now - this.quietStart >= this.options.windowMs) {
      this.quietStart = now;
      this.quietBytes = 0;
      // What was typed long ago must not weigh on the first pressed window's budget.
      this.taken.clear();
    }
    this.quietBytes += bytes;
    if (this.quietBytes >= this.options.wakeBytes) this.start();
  }

  /** The window timer runs while output flows; its own lateness is the event loop's delay. */
  private start(): void {
    if (this.timer) return;
    this.quietBytes = 0;
    this.quietStart = Number.NEGATIVE_INFINITY;
    this.tickAt = this.now();
    this.worstLag = 0;
    const step = Math.min(10, this.options.windowMs);
    let windowStart = this.tickAt;
    this.timer = setInterval(() => {
      const now = this.now();
      this.worstLag = Math.max(this.worstLag, now - this.tickAt - step);
      this.tickAt = now;
      if (now - windowStart < this.options.windowMs) return;
      windowStart = now;
      // Typing goes on after a flood: a window below `wakeBytes` lets the timer stop, as
      // one without any output would.
      let window = 0;
      for (const bytes of this.taken.values()) window += bytes;
      const idle = window < this.options.wakeBytes && this.held.size === 0;
      this.tick(this.worstLag);
      this.worstLag = 0;
      if (idle && !Number.isFinite(this.budget)) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, step);
    this.timer.unref();
  }
}

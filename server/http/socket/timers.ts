// Timers a connection owns, by name, all cleared when it closes.

/** One name holds one timer, so clearing "auth" cannot clear the heartbeat by mistake. */
export class OwnedTimers {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; repeat: boolean }>();
  private closed = false;

  /** Runs `run` once after `ms`; a timer already under `name` is replaced. */
  timeout(name: string, ms: number, run: () => void): void {
    this.set(name, false, ms, () => {
      this.timers.delete(name);
      run();
    });
  }

  /** Runs `run` every `ms` until cleared; a timer already under `name` is replaced. */
  interval(name: string, ms: number, run: () => void): void {
    this.set(name, true, ms, run);
  }

  has(name: string): boolean {
    return this.timers.has(name);
  }

  clear(name: string): void {
    const owned = this.timers.get(name);
    if (!owned) return;
    this.timers.delete(name);
    if (owned.repeat) clearInterval(owned.timer);
    else clearTimeout(owned.timer);
  }

  /** Clears every timer; timers set afterwards are refused, as the connection is gone. */
  clearAll(): void {
    this.closed = true;
    for (const name of [...this.timers.keys()]) this.clear(name);
  }

  private set(name: string, repeat: boolean, ms: number, run: () => void): void {
    this.clear(name);
    // A timer set after the close (an await that resumed late) would outlive the connection.
    if (this.closed) return;
    const timer = repeat ? setInterval(run, ms) : setTimeout(run, ms);
    this.timers.set(name, { timer, repeat });
  }
}

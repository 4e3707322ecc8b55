// Whether the engine answers, for the health probes: within 2 s whatever the engine does, asked
// at most once a second, and for liveness the last known answer at once.
import type { EngineCalls } from './engine-calls.ts';

export class EngineHealth {
  private readonly calls: EngineCalls;
  /** The last answer and when it came, so a burst of health probes asks the engine once. */
  private seen: { at: number; answer: Promise<boolean> } | undefined;
  /** The engine's last known state, for status(). */
  private known: boolean | undefined;

  constructor(calls: EngineCalls) {
    this.calls = calls;
  }

  /** Answers within 2 s whatever the engine does: a slow or absent engine reads as unavailable. */
  available(): Promise<boolean> {
    const now = Date.now();
    if (this.seen && now - this.seen.at < 1000) return this.seen.answer;
    const answer = Promise.race([
      // dockerode's types omit ping()'s options, which it does pass on.
      (this.calls.docker as unknown as { ping(o: { abortSignal: AbortSignal }): Promise<unknown> })
        .ping(this.calls.within(2000))
        .then(
          () => true,
          () => false,
        ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
    ]);
    this.seen = { at: now, answer };
    return answer;
  }

  /**
   * For liveness probes (/api/health): the engine's last known state at once, refreshed in the
   * background (one ping a second at most), so a busy engine never slows the probe; only the
   * first call waits for an answer.
   */
  status(): Promise<boolean> {
    const fresh = this.available().then((answer) => (this.known = answer));
    return this.known === undefined ? fresh : Promise.resolve(this.known);
  }
}

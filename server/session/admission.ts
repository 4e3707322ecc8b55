// Admission of heavy session work (sandbox starts, TP set-ups): first come, first served, a
// bounded number at once, and each waiter can be told how many are ahead of it.

/** Work dropped from the queue before its turn (its session ended meanwhile). */
export class AdmissionCancelledError extends Error {
  override name = 'AdmissionCancelledError';
}

interface Waiter {
  id: string;
  start: () => void;
  cancel: () => void;
}

export class AdmissionQueue {
  private readonly waiting: Waiter[] = [];
  private running = 0;
  private readonly concurrency: number;

  constructor(concurrency: number) {
    this.concurrency = Math.max(1, concurrency);
  }

  /** Runs `work` for `id` when its turn comes. */
  run<T>(id: string, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        // A synchronous throw in work() must free the slot like a rejection.
        Promise.resolve()
          .then(work)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.next();
          });
      };
      if (this.running < this.concurrency) start();
      else this.waiting.push({ id, start, cancel: () => reject(new AdmissionCancelledError(id)) });
    });
  }

  /** How many wait ahead of `id`'s first waiting work; undefined when none of its work waits. */
  ahead(id: string): number | undefined {
    const index = this.waiting.findIndex((w) => w.id === id);
    return index < 0 ? undefined : index;
  }

  /** Drops `id`'s waiting work (its promises reject); work already running goes on. */
  cancel(id: string): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const waiter = this.waiting[i];
      if (waiter?.id === id) {
        this.waiting.splice(i, 1);
        waiter.cancel();
      }
    }
  }

  /** Work waiting and running, for the metrics. */
  get counts(): { waiting: number; running: number } {
    return { waiting: this.waiting.length, running: this.running };
  }

  private next(): void {
    while (this.running < this.concurrency) {
      const waiter = this.waiting.shift();
      if (!waiter) return;
      waiter.start();
    }
  }
}

// Admission of heavy session work (sandbox starts, TP set-ups): a bounded number at once, and
// each waiter can be told how many are ahead of it. Fair between clients: waiting work is served
// round-robin by group (a learner, else a client address), and one group holds at most half the
// slots while another group waits, so a client opening many sessions does not make the class wait.

/** Work dropped from the queue before its turn (its session ended meanwhile). */
export class AdmissionCancelledError extends Error {
  override name = 'AdmissionCancelledError';
}

interface Waiter {
  id: string;
  group: string;
  start: () => void;
  cancel: () => void;
}

export class AdmissionQueue {
  /** Waiting work per group, and the groups in the order they are served next. */
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly rotation: string[] = [];
  private readonly runningBy = new Map<string, number>();
  private running = 0;
  private concurrency = 1;
  /** What one group may hold while another waits: half the slots (at least one). */
  private groupShare = 1;

  constructor(concurrency: number) {
    this.resize(concurrency);
  }

  /** Changes how much runs at once (the cluster grew or shrank); running work is never cut. */
  resize(concurrency: number): void {
    this.concurrency = Math.max(1, concurrency);
    this.groupShare = Math.max(1, Math.ceil(this.concurrency / 2));
    this.next();
  }

  get size(): number {
    return this.concurrency;
  }

  /** Runs `work` for `id` when its turn comes; `group` (the learner or client, by default `id`) for fairness. */
  run<T>(id: string, work: () => Promise<T>, group: string = id): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.runningBy.set(group, (this.runningBy.get(group) ?? 0) + 1);
        // A synchronous throw in work() must free the slot like a rejection.
        Promise.resolve()
          .then(work)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            const left = (this.runningBy.get(group) ?? 1) - 1;
            if (left > 0) this.runningBy.set(group, left);
            else this.runningBy.delete(group);
            this.next();
          });
      };
      const queue = this.waiting.get(group) ?? [];
      queue.push({ id, group, start, cancel: () => reject(new AdmissionCancelledError(id)) });
      if (queue.length === 1) {
        this.waiting.set(group, queue);
        this.rotation.push(group);
      }
      this.next();
    });
  }

  /** How many wait ahead of `id`'s first waiting work; undefined when none of its work waits. */
  ahead(id: string): number | undefined {
    const order = this.order();
    const index = order.findIndex((w) => w.id === id);
    return index < 0 ? undefined : index;
  }

  /** Drops `id`'s waiting work (its promises reject); work already running goes on. */
  cancel(id: string): void {
    for (const [group, queue] of [...this.waiting]) {
      for (let i = queue.length - 1; i >= 0; i--) {
        const waiter = queue[i];
        if (waiter?.id === id) {
          queue.splice(i, 1);
          waiter.cancel();
        }
      }
      if (queue.length === 0) this.forget(group);
    }
  }

  /** Work waiting and running, for the metrics. */
  get counts(): { waiting: number; running: number } {
    let waiting = 0;
    for (const queue of this.waiting.values()) waiting += queue.length;
    return { waiting, running: this.running };
  }

  /** The waiting work in the order it would start (as next() picks, the running work going on). */
  private order(): Waiter[] {
    const queues = new Map([...this.waiting].map(([group, queue]) => [group, [...queue]]));
    const rotation = [...this.rotation];
    const held = new Map(this.runningBy);
    const order: Waiter[] = [];
    while (rotation.length > 0) {
      const index = this.pick(rotation, held);
      const group = rotation[index] as string;
      const queue = queues.get(group) ?? [];
      const waiter = queue.shift();
      rotation.splice(index, 1);
      if (waiter) order.push(waiter);
      if (queue.length > 0) rotation.push(group);
      held.set(group, (held.get(group) ?? 0) + 1);
    }
    return order;
  }

  /** The first group in turn under its share; if every waiting group is at it, the first anyway. */
  private pick(rotation: readonly string[], held: ReadonlyMap<string, number>): number {
    return Math.max(
      0,
      rotation.findIndex((group) => (held.get(group) ?? 0) < this.groupShare),
    );
  }

  private forget(group: string): void {
    this.waiting.delete(group);
    const at = this.rotation.indexOf(group);
    if (at >= 0) this.rotation.splice(at, 1);
  }

  private next(): void {
    while (this.running < this.concurrency && this.rotation.length > 0) {
      const index = this.pick(this.rotation, this.runningBy);
      const group = this.rotation[index] as string;
      const queue = this.waiting.get(group) ?? [];
      const waiter = queue.shift();
      this.rotation.splice(index, 1);
      if (queue.length > 0) this.rotation.push(group);
      else this.waiting.delete(group);
      waiter?.start();
    }
  }
}

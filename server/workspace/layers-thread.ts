// Explores images off the main thread: a few worker threads (layers-worker.ts) kept alive and
// reused, each reading one `docker save` stream at a time, fed by the main thread chunk by chunk.
// However the image was crafted, exploring it never holds the event loop that serves every
// terminal: a thread that stops answering, or takes too long, is ended and replaced, and the
// student reads why. Sessions take turns: one exploration per session runs at a time, the
// others wait in order of arrival, so one session cannot hold every thread.
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  ImageFormatError,
  ImageTooComplexError,
  ImageTooManyFilesError,
  type ExploreLimits,
  type ExploredImage,
  type TooComplexReason,
} from './layers.ts';

/** Threads at most: two explorations at once, as before the threads; each takes up to a core. */
export const defaultLayerThreads = 2;
/**
 * Time limit of one exploration, from its first byte to its result: 150 s. The 1.1 GB image of
 * the README took 25 s on a busy machine, so the biggest image let in (3 GB) about 70 s: twice that.
 */
export const defaultExploreDeadlineMs = 150_000;
/**
 * Longest silence of a thread that owes an answer (chunks not acknowledged, or the end of the
 * stream sent): 20 s. A 64 KB chunk is parsed in well under a millisecond, the last pass over
 * 300 000 files in about a second on a quiet machine (ten times that on a loaded one): a thread
 * this long silent is stuck on a crafted image.
 */
export const defaultStallMs = 20_000;
/** A thread's heap limit: 300 000 paths of 48 MB in all take some 150 MB; more crashes the thread, not the server. */
export const defaultLayerHeapMb = 384;
/**
 * Bytes sent to a thread and not yet acknowledged: past 1 MB the save stream is paused, so a
 * slow thread slows `docker save` down instead of piling the image up in memory.
 */
const maxInFlightBytes = 1024 * 1024;
/** Explorations waiting per session at most; more answer ExplorerBusyError. */
export const maxWaitingPerSession = 4;

/** What the main thread sends; `spinMs` and `crash` are test hooks. */
export type LayerRequest =
  | { type: 'start'; id: number; limits?: Partial<ExploreLimits>; spinMs?: number; crash?: boolean }
  | { type: 'chunk'; id: number; data: Uint8Array }
  | { type: 'end'; id: number }
  | { type: 'abort'; id: number };

export type LayerReply =
  | { type: 'ready' }
  | { type: 'ack'; id: number; bytes: number }
  | { type: 'done'; id: number; image: ExploredImage }
  | { type: 'failed'; id: number; kind: 'complex'; reason: TooComplexReason; value: number }
  | { type: 'failed'; id: number; kind: 'files' | 'format' | 'other'; detail?: string };

export type LayerHooks = { spinMs?: number; crash?: boolean };

export interface LayerThreadOptions {
  threads: number;
  /** Most milliseconds one exploration may take, its stream included. */
  deadlineMs: number;
  /** Most milliseconds a thread that owes an answer may stay silent. */
  stallMs: number;
  maxHeapMb: number;
  /** The bounds of each exploration (lower in tests). */
  limits?: Partial<ExploreLimits>;
}

export const defaultLayerThreadOptions: LayerThreadOptions = {
  threads: defaultLayerThreads,
  deadlineMs: defaultExploreDeadlineMs,
  stallMs: defaultStallMs,
  maxHeapMb: defaultLayerHeapMb,
};

/** Too many explorations of this session wait already. */
export class ExplorerBusyError extends Error {
  override name = 'ExplorerBusyError';
}

/** The thread ended without an answer (not for the image's sake: a bug, the server closing). */
export class ExplorerCrashError extends Error {
  override name = 'ExplorerCrashError';
}

interface Job {
  id: number;
  owner: string;
  open: () => Promise<Readable>;
  hooks: LayerHooks;
  resolve: (image: ExploredImage) => void;
  reject: (error: Error) => void;
  source?: Readable;
  /** The thread it runs in, once it runs. */
  slot?: Slot;
  inFlight: number;
  ended: boolean;
  deadline?: NodeJS.Timeout;
  stall?: NodeJS.Timeout;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  /** Why the thread died, from its 'error' event. */
  failure?: string;
}

export class LayerExplorerThreads {
  readonly options: LayerThreadOptions;
  private readonly slots: (Slot | undefined)[];
  /**
   * Explorations waiting, per session, sessions in turn order: a session whose exploration
   * starts goes behind the others, so each session waits for at most one of every other's.
   */
  private readonly waiting = new Map<string, Job[]>();
  private nextId = 1;
  private threads = 0;

  constructor(options: Partial<LayerThreadOptions> = {}) {
    this.options = { ...defaultLayerThreadOptions, ...options };
    this.slots = Array.from({ length: this.options.threads }, () => undefined);
  }

  /** Threads started so far: one more after each overrun or crash. */
  get started(): number {
    return this.threads;
  }

  /**
   * Explores the save stream `open` gives, once a thread is free for this session. `open` is
   * called only then, so that no `docker save` runs while its exploration waits.
   */
  explore(owner: string, open: () => Promise<Readable>, hooks: LayerHooks = {}): Promise<ExploredImage> {
    const queue = this.waiting.get(owner) ?? [];
    if (queue.length >= maxWaitingPerSession) return Promise.reject(new ExplorerBusyError(`${queue.length} waiting`));
    this.waiting.set(owner, queue);
    return new Promise((resolve, reject) => {
      queue.push({
        id: this.nextId++,
        owner,
        open,
        hooks,
        resolve,
        reject,
        inFlight: 0,
        ended: false,
        settled: false,
      });
      this.next();
    });
  }

  /** Ends the threads; explorations under way or waiting fail. */
  async close(): Promise<void> {
    const workers: Worker[] = [];
    for (const [index, slot] of this.slots.entries()) {
      if (!slot) continue;
      this.slots[index] = undefined;
      workers.push(slot.worker);
      const job = slot.job;
      slot.job = undefined;
      if (job) this.settle(job, new ExplorerCrashError('closed'));
    }
    for (const job of this.takeAllWaiting()) this.settle(job, new ExplorerCrashError('closed'));
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private busyOwners(): Set<string> {
    return new Set(this.slots.flatMap((slot) => (slot?.job ? [slot.job.owner] : [])));
  }

  private takeAllWaiting(): Job[] {
    const jobs = [...this.waiting.values()].flat();
    this.waiting.clear();
    return jobs;
  }

  private next(): void {
    while (this.waiting.size > 0) {
      // The first session in turn with no exploration under way.
      const busy = this.busyOwners();
      const owner = [...this.waiting.keys()].find((name) => !busy.has(name));
      if (owner === undefined) return;
      const free = this.slots.find((slot) => slot?.ready && !slot.job);
      if (!free) {
        // A new thread for it, unless one is starting already (its 'ready' calls next() again).
        const starting = this.slots.some((slot) => slot && !slot.ready);
        const empty = this.slots.indexOf(undefined);
        if (!starting && empty !== -1) this.spawn(empty);
        return;
      }
      const queue = this.waiting.get(owner) as Job[];
      const job = queue.shift() as Job;
      // Behind the other sessions for its next turn.
      this.waiting.delete(owner);
      if (queue.length > 0) this.waiting.set(owner, queue);
      this.run(free, job);
    }
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    slot.worker.ref();
    job.deadline = setTimeout(() => this.overran(slot, job, 'deadline'), this.options.deadlineMs);
    const post = (message: LayerRequest, transfer?: ArrayBuffer[]) => {
      if (slot.job === job) slot.worker.postMessage(message, transfer);
    };
    post({ type: 'start', id: job.id, limits: this.options.limits, ...job.hooks });
    if (job.hooks.spinMs || job.hooks.crash) this.owe(slot, job);
    job.open().then(
      (source) => {
        if (job.settled) {
          source.destroy();
          return;
        }
        job.source = source;
        source.on('data', (chunk: Buffer) => {
          // A copy the thread owns: the chunk may share its memory with other buffers.
          const data = new Uint8Array(chunk);
          job.inFlight += data.byteLength;
          post({ type: 'chunk', id: job.id, data }, [data.buffer]);
          this.owe(slot, job);
          if (job.inFlight > maxInFlightBytes) source.pause();
        });
        source.on('end', () => {
          job.ended = true;
          post({ type: 'end', id: job.id });
          this.owe(slot, job);
        });
        source.on('error', (error) => this.settle(job, error));
      },
      (error: Error) => this.settle(job, error),
    );
  }

  /** The thread owes an answer: it must give one within stallMs, or it is stuck. */
  private owe(slot: Slot, job: Job): void {
    if (job.stall || job.settled) return;
    job.stall = setTimeout(() => this.overran(slot, job, 'stall'), this.options.stallMs);
  }

  private onReply(slot: Slot, reply: LayerReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      this.next();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    clearTimeout(job.stall);
    job.stall = undefined;
    switch (reply.type) {
      case 'ack':
        job.inFlight -= reply.bytes;
        if (job.inFlight > 0 || job.ended) this.owe(slot, job);
        if (job.inFlight <= maxInFlightBytes / 4) job.source?.resume();
        return;
      case 'done':
        this.release(slot, job);
        this.settle(job, undefined, reply.image);
        return;
      case 'failed':
        this.release(slot, job);
        this.settle(job, errorOf(reply));
        return;
    }
  }

  /** The job leaves its thread, which takes the next one. */
  private release(slot: Slot, job: Job): void {
    if (slot.job !== job) return;
    slot.job = undefined;
    slot.worker.unref();
    queueMicrotask(() => this.next());
  }

  private settle(job: Job, error: Error | undefined, image?: ExploredImage): void {
    if (job.settled) return;
    job.settled = true;
    const owed = job.stall !== undefined;
    clearTimeout(job.deadline);
    clearTimeout(job.stall);
    job.source?.destroy();
    // Ended from here (its stream failed, the server closes): the thread is freed for the next.
    const slot = job.slot;
    if (slot && slot.job === job) {
      if (owed) {
        // It may be stuck in the middle of a chunk: a new thread, rather than wait for it.
        this.replace(slot);
      } else {
        slot.worker.postMessage({ type: 'abort', id: job.id } satisfies LayerRequest);
        this.release(slot, job);
      }
    }
    if (error) job.reject(error);
    else job.resolve(image as ExploredImage);
  }

  /** The only way to stop a parse stuck in a synchronous loop is to end its thread. */
  private overran(slot: Slot, job: Job, why: 'deadline' | 'stall'): void {
    if (slot.job !== job) return;
    this.replace(slot);
    const waited = why === 'deadline' ? this.options.deadlineMs : this.options.stallMs;
    this.settle(job, new ImageTooComplexError('slow', waited));
  }

  /** Ends the slot's thread; the next exploration starts a new one. */
  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots[index] = undefined;
    slot.job = undefined;
    void slot.worker.terminate();
    queueMicrotask(() => this.next());
  }

  private spawn(index: number): Slot {
    const worker = new Worker(new URL('./layers-worker.ts', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    worker.unref();
    this.threads += 1;
    const slot: Slot = { worker, ready: false };
    this.slots[index] = slot;
    worker.on('message', (reply: LayerReply) => {
      if (this.slots[index] === slot) this.onReply(slot, reply);
    });
    // Without a listener, an error of the thread (an uncaught exception, its heap exhausted)
    // would be thrown on the main thread and end the server; its 'exit' follows.
    worker.on('error', (error: Error & { code?: string }) => {
      slot.failure = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : error.message;
    });
    worker.on('exit', (code) => {
      // A thread ended on purpose (overrun, close) was already replaced.
      if (this.slots[index] !== slot) return;
      this.slots[index] = undefined;
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        this.settle(
          job,
          slot.failure === 'memory'
            ? new ImageTooComplexError('memory', this.options.maxHeapMb)
            : new ExplorerCrashError(slot.failure ?? `exit code ${code}`),
        );
        this.next();
      } else if (!slot.ready) {
        // Dead before it could explore anything (it failed to load): a new one would fail the same way.
        for (const waiting of this.takeAllWaiting()) {
          this.settle(waiting, new ExplorerCrashError(slot.failure ?? `exit code ${code}`));
        }
      }
    });
    return slot;
  }
}

function errorOf(reply: Extract<LayerReply, { type: 'failed' }>): Error {
  if (reply.kind === 'complex') return new ImageTooComplexError(reply.reason, reply.value);
  if (reply.kind === 'files') return new ImageTooManyFilesError('too many entries');
  if (reply.kind === 'format') return new ImageFormatError(reply.detail ?? 'bad format');
  return new Error(reply.detail ?? 'exploration failed');
}

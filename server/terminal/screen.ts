// Screen mirrors: what each session's terminal shows, kept by headless terminals in a worker
// thread (screen-worker.ts), to give a reconnecting browser its screen back. A mirror never
// slows the terminal: when its parser falls behind a flood of output (a `cat` of a big file),
// it stops parsing and keeps only the latest bytes, which it parses once the flood is over
// or a browser asks for the screen. On a machine with few cores, parsing a whole flood would
// take a core from the shell and the browser's own connection.
//
// One worker serves every session, so each is bounded in what it may queue there: at most one
// batch in the worker at a time (the latest size, then the output since the last batch), the
// rest waits here, coalesced, up to a bound past which the mirror skips ahead as above. A
// session that floods output or resizes thus delays another's snapshot by one batch at most.
// Output the worker is idle for is not posted at once, but once the shell has been quiet for a
// few milliseconds (or past a few kilobytes): waking the worker when an echo arrives would set
// it running beside the student's own bytes on their way out, and on two cores that delays
// them. A snapshot posts what waits at once, so it is exact all the same.
// Snapshots have a deadline (a reconnect then gets a blank screen, never a hung terminal), and
// a worker that stops answering is replaced by a fresh one with blank mirrors.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/log.ts';

export type MirrorRequest =
  | { type: 'open'; id: number; cols: number; rows: number; scrollback: number }
  | {
      type: 'batch';
      id: number;
      /** The screen starts again from blank (after a skip) before the rest. */
      reset: boolean;
      /** The latest size, when it changed since the last batch. */
      size?: { cols: number; rows: number };
      data?: Uint8Array;
      /** Snapshot requests answered once `data` is parsed. */
      snapshots: number[];
    }
  | { type: 'close'; id: number };

export type MirrorReply =
  /** The worker has loaded and takes requests. */
  | { type: 'started' }
  | { type: 'done'; id: number }
  | { type: 'snapshot'; id: number; requests: number[]; data: string };

export interface ScreenOptions {
  /** Lines kept above the screen and given back on reconnect. */
  scrollback: number;
  /** Bytes of output that may wait for the worker before the mirror stops parsing and skips ahead. */
  maxBehindBytes: number;
  /** Bytes of the latest output replayed after a skip. */
  tailBytes: number;
  /** Small output is posted to the worker once the shell is quiet for this long... */
  batchDelayMs: number;
  /** ...or this long after it began to wait, whichever comes first... */
  batchMaxDelayMs: number;
  /** ...or at once, past this many bytes (a flood is parsed as it comes). */
  batchBytes: number;
  /** A flood is over after this long without output: the mirror then parses its tail. */
  quietMs: number;
  /** A snapshot not back after this long is given up: the browser gets a blank screen. */
  snapshotTimeoutMs: number;
  /** A worker with work to do that answers nothing for this long is replaced. */
  stallMs: number;
  /** The worker's module (tests give one that stalls). */
  workerUrl: URL;
}

export const defaultScreenOptions: ScreenOptions = {
  scrollback: 1000,
  maxBehindBytes: 512 * 1024,
  tailBytes: 128 * 1024,
  // Far below what a reader notices, above the few milliseconds between an echo and the next
  // key of someone typing fast.
  batchDelayMs: 5,
  batchMaxDelayMs: 50,
  batchBytes: 16 * 1024,
  quietMs: 100,
  // A batch is at most maxBehindBytes plus one resize, parsed in well under a second; with one
  // batch per session ahead of it, a snapshot waits seconds only on a worker that is stuck.
  snapshotTimeoutMs: 5000,
  // Far above any one batch's parse, so only a worker that is stuck (or dead) gets replaced.
  stallMs: 10_000,
  workerUrl: new URL('./screen-worker.ts', import.meta.url),
};

/** The bytes alone: posting a view of a larger buffer would copy all of that buffer. */
function ownBytes(chunk: Buffer): Uint8Array {
  return chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : Buffer.from(chunk);
}

/** The worker thread and every session's mirror in it. */
export class ScreenMirrors {
  private worker: Worker | undefined;
  private readonly mirrors = new Map<number, ScreenMirror>();
  /** Snapshot requests; the deadline runs once the worker has started (loading it takes a while). */
  private readonly snapshots = new Map<number, { resolve: (data: string) => void; timer?: NodeJS.Timeout }>();
  private started = false;
  private nextId = 1;
  private nextRequest = 1;
  private closed = false;
  /** When the worker last answered, or was last given work while it had none. */
  private progressAt = 0;
  private watchdog: NodeJS.Timeout | undefined;
  /** Workers replaced because they stopped answering. */
  replaced = 0;
  readonly options: ScreenOptions;
  private readonly log: Logger;

  constructor(log: Logger, options: Partial<ScreenOptions> = {}) {
    this.log = log;
    this.options = { ...defaultScreenOptions, ...options };
  }

  /** Loads the worker ahead of the first screen (it takes a few hundred milliseconds). */
  warm(): void {
    if (!this.closed) this.ensureWorker();
  }

  open(cols: number, rows: number): ScreenMirror {
    const mirror = new ScreenMirror(this, this.nextId++, cols, rows);
    this.mirrors.set(mirror.id, mirror);
    this.post({ type: 'open', id: mirror.id, cols, rows, scrollback: this.options.scrollback });
    return mirror;
  }

  /** @internal */
  post(message: MirrorRequest): void {
    if (this.closed) return;
    if (message.type === 'batch' && !this.waiting()) this.progressAt = Date.now();
    this.ensureWorker().postMessage(message);
  }

  /** @internal A snapshot request: its number, and the screen ('' past the deadline). */
  request(): { request: number; screen: Promise<string> } {
    const request = this.nextRequest++;
    if (this.closed) return { request, screen: Promise.resolve('') };
    if (!this.waiting()) this.progressAt = Date.now();
    const screen = new Promise<string>((resolve) => {
      this.snapshots.set(request, { resolve });
      if (this.started) this.arm(request);
    });
    return { request, screen };
  }

  private arm(request: number): void {
    const waiting = this.snapshots.get(request);
    if (!waiting || waiting.timer) return;
    waiting.timer = setTimeout(() => {
      this.snapshots.delete(request);
      this.log.warn('screen snapshot timed out', { timeoutMs: this.options.snapshotTimeoutMs });
      waiting.resolve('');
    }, this.options.snapshotTimeoutMs);
  }

  /** @internal */
  forget(id: number): void {
    this.mirrors.delete(id);
    this.post({ type: 'close', id });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    this.answerAll('');
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private answerAll(data: string): void {
    for (const { resolve, timer } of this.snapshots.values()) {
      clearTimeout(timer);
      resolve(data);
    }
    this.snapshots.clear();
  }

  /** Whether the worker holds work it has not answered yet. */
  private waiting(): boolean {
    if (this.snapshots.size > 0) return true;
    for (const mirror of this.mirrors.values()) if (mirror.busy) return true;
    return false;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerUrl);
    worker.unref();
    worker.on('message', (message: MirrorReply) => {
      if (this.worker !== worker) return;
      this.progressAt = Date.now();
      if (message.type === 'started') {
        this.started = true;
        for (const request of this.snapshots.keys()) this.arm(request);
        return;
      }
      if (message.type === 'done') {
        this.mirrors.get(message.id)?.done();
        return;
      }
      for (const request of message.requests) {
        const waiting = this.snapshots.get(request);
        this.snapshots.delete(request);
        if (!waiting) continue;
        clearTimeout(waiting.timer);
        waiting.resolve(message.data);
      }
    });
    worker.on('error', (error) => this.log.error('screen worker failed', { error }));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.lost();
    });
    this.worker = worker;
    this.started = false;
    this.progressAt = Date.now();
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => this.checkStalled(), Math.max(10, this.options.stallMs / 4));
    this.watchdog.unref();
    return worker;
  }

  private checkStalled(): void {
    if (!this.worker || !this.waiting() || Date.now() - this.progressAt < this.options.stallMs) return;
    this.log.error('screen worker stalled: replaced', { stallMs: this.options.stallMs });
    this.replaced++;
    void this.worker.terminate();
    this.lost();
  }

  /** The worker is gone: screens are lost, terminals are not. Start again with blank mirrors. */
  private lost(): void {
    this.worker = undefined;
    this.started = false;
    clearInterval(this.watchdog);
    if (this.closed) return;
    this.answerAll('');
    for (const mirror of this.mirrors.values()) mirror.restarted();
  }
}

/** One session's screen. */
export class ScreenMirror {
  readonly id: number;
  private readonly owner: ScreenMirrors;
  /** The latest size, and the one the worker's terminal has. */
  private cols: number;
  private rows: number;
  private sent: { cols: number; rows: number };
  /** A batch is in the worker and not answered yet: the next one waits here. */
  busy = false;
  /** Output waiting for the worker. */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private resetNext = false;
  private requests: number[] = [];
  private skipping = false;
  private quietTimer: NodeJS.Timeout | undefined;
  private tail: Buffer[] = [];
  private tailLength = 0;
  private disposed = false;
  /** Small output waits for a quiet moment (schedule), since `waitingSince`. */
  private batchTimer: NodeJS.Timeout | undefined;
  private waitingSince = 0;

  constructor(owner: ScreenMirrors, id: number, cols: number, rows: number) {
    this.owner = owner;
    this.id = id;
    this.cols = cols;
    this.rows = rows;
    this.sent = { cols, rows };
  }

  write(chunk: Buffer): void {
    if (this.skipping) {
      this.keepTail(chunk);
      this.quietTimer?.refresh();
      return;
    }
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > this.owner.options.maxBehindBytes) {
      // The worker is that far behind: what waits is dropped but its end, which is parsed from
      // a blank screen once the flood is quiet.
      for (const queued of this.queued) this.keepTail(queued);
      this.queued = [];
      this.queuedBytes = 0;
      this.skipping = true;
      this.quietTimer = setTimeout(() => this.replayTail(), this.owner.options.quietMs);
      this.quietTimer.unref();
      return;
    }
    this.schedule();
  }

  /** Only the latest size reaches the worker, with the next batch. */
  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.schedule();
  }

  /** Bytes of output held here for the worker (bounded by maxBehindBytes, or tailBytes while skipping). */
  get backlog(): number {
    return this.queuedBytes + this.tailLength;
  }

  /** The screen and its scrollback as escape sequences, once all output so far is parsed. */
  snapshot(): Promise<string> {
    if (this.disposed) return Promise.resolve('');
    if (this.skipping) this.replayTail();
    const { request, screen } = this.owner.request();
    this.requests.push(request);
    this.flush();
    return screen;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.quietTimer);
    clearTimeout(this.batchTimer);
    this.queued = [];
    this.tail = [];
    this.owner.forget(this.id);
  }

  /** @internal The worker has parsed the last batch. */
  done(): void {
    this.busy = false;
    this.schedule();
  }

  /** @internal The worker was replaced: the mirror starts again from a blank screen. */
  restarted(): void {
    clearTimeout(this.quietTimer);
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.busy = false;
    this.skipping = false;
    this.resetNext = false;
    this.requests = [];
    this.queued = [];
    this.queuedBytes = 0;
    this.tail = [];
    this.tailLength = 0;
    this.sent = { cols: this.cols, rows: this.rows };
    this.owner.post({
      type: 'open',
      id: this.id,
      cols: this.cols,
      rows: this.rows,
      scrollback: this.owner.options.scrollback,
    });
  }

  /** Posts at once what is large or asked for; small output waits for the shell to be quiet. */
  private schedule(): void {
    if (this.busy || this.disposed) return;
    const { batchBytes, batchDelayMs, batchMaxDelayMs } = this.owner.options;
    const resized = this.cols !== this.sent.cols || this.rows !== this.sent.rows;
    if (!resized && this.queuedBytes === 0 && !this.resetNext && this.requests.length === 0) return;
    if (this.requests.length > 0 || this.resetNext || this.queuedBytes >= batchBytes) {
      this.flush();
      return;
    }
    const now = performance.now();
    if (!this.batchTimer) {
      this.waitingSince = now;
      this.batchTimer = setTimeout(() => this.flush(), batchDelayMs);
      this.batchTimer.unref();
    } else if (now - this.waitingSince + batchDelayMs < batchMaxDelayMs) {
      this.batchTimer.refresh();
    }
  }

  /** Posts what waits as one batch, unless the worker still holds the previous one. */
  private flush(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.busy || this.disposed) return;
    const resized = this.cols !== this.sent.cols || this.rows !== this.sent.rows;
    if (!resized && this.queuedBytes === 0 && !this.resetNext && this.requests.length === 0) return;
    const data =
      this.queued.length === 0
        ? undefined
        : this.queued.length === 1 && this.queued[0]
          ? ownBytes(this.queued[0])
          : Buffer.concat(this.queued, this.queuedBytes);
    const message: MirrorRequest = { type: 'batch', id: this.id, reset: this.resetNext, snapshots: this.requests };
    if (resized) message.size = { cols: this.cols, rows: this.rows };
    if (data) message.data = data;
    this.sent = { cols: this.cols, rows: this.rows };
    this.queued = [];
    this.queuedBytes = 0;
    this.resetNext = false;
    this.requests = [];
    this.owner.post(message);
    this.busy = true;
  }

  private keepTail(chunk: Buffer): void {
    this.tail.push(Buffer.from(chunk));
    this.tailLength += chunk.length;
    while (this.tail.length > 1 && this.tailLength - (this.tail[0]?.length ?? 0) >= this.owner.options.tailBytes) {
      this.tailLength -= this.tail.shift()?.length ?? 0;
    }
  }

  /**
   * Starts the screen again from the latest bytes. The cut may fall inside an escape sequence
   * or a character, which costs a few wrong cells at the top of the scrollback, never the screen.
   */
  private replayTail(): void {
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    this.skipping = false;
    this.resetNext = true;
    this.queued = this.tail;
    this.queuedBytes = this.tailLength;
    this.tail = [];
    this.tailLength = 0;
    this.flush();
  }
}

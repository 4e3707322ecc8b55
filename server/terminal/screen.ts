// Screen mirrors: what each session's terminal shows, kept by headless terminals in a worker
// thread (screen-worker.ts), to give a reconnecting browser its screen back. A mirror never
// slows the terminal: when its parser falls behind a flood of output (a `cat` of a big file),
// it stops parsing and keeps only the latest bytes, which it parses once the flood is over
// or a browser asks for the screen. On a machine with few cores, parsing a whole flood would
// take a core from the shell and the browser's own connection.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/log.ts';

export type MirrorRequest =
  | { type: 'open'; id: number; cols: number; rows: number; scrollback: number }
  | { type: 'write' | 'reset'; id: number; data: Uint8Array }
  | { type: 'resize'; id: number; cols: number; rows: number }
  | { type: 'snapshot'; id: number; request: number }
  | { type: 'close'; id: number };

export type MirrorReply =
  { type: 'ack'; id: number; bytes: number } | { type: 'snapshot'; id: number; request: number; data: string };

export interface ScreenOptions {
  /** Lines kept above the screen and given back on reconnect. */
  scrollback: number;
  /** Bytes the parser may lag behind before the mirror stops parsing and skips ahead. */
  maxBehindBytes: number;
  /** Bytes of the latest output replayed after a skip. */
  tailBytes: number;
  /** A flood is over after this long without output: the mirror then parses its tail. */
  quietMs: number;
}

export const defaultScreenOptions: ScreenOptions = {
  scrollback: 1000,
  maxBehindBytes: 512 * 1024,
  tailBytes: 128 * 1024,
  quietMs: 100,
};

/** The bytes alone: posting a view of a larger buffer would copy all of that buffer. */
function ownBytes(chunk: Buffer): Uint8Array {
  return chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : Buffer.from(chunk);
}

/** The worker thread and every session's mirror in it. */
export class ScreenMirrors {
  private worker: Worker | undefined;
  private readonly mirrors = new Map<number, ScreenMirror>();
  private readonly snapshots = new Map<number, (data: string) => void>();
  private nextId = 1;
  private nextRequest = 1;
  private closed = false;
  readonly options: ScreenOptions;
  private readonly log: Logger;

  constructor(log: Logger, options: Partial<ScreenOptions> = {}) {
    this.log = log;
    this.options = { ...defaultScreenOptions, ...options };
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
    this.ensureWorker().postMessage(message);
  }

  /** @internal */
  snapshot(id: number): Promise<string> {
    if (this.closed) return Promise.resolve('');
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.snapshots.set(request, resolve);
      this.post({ type: 'snapshot', id, request });
    });
  }

  /** @internal */
  forget(id: number): void {
    this.mirrors.delete(id);
    this.post({ type: 'close', id });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.snapshots.values()) resolve('');
    this.snapshots.clear();
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./screen-worker.ts', import.meta.url));
    worker.unref();
    worker.on('message', (message: MirrorReply) => {
      if (message.type === 'ack') this.mirrors.get(message.id)?.acknowledged(message.bytes);
      else {
        this.snapshots.get(message.request)?.(message.data);
        this.snapshots.delete(message.request);
      }
    });
    worker.on('error', (error) => this.log.error('screen worker failed', { error }));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.closed) return;
      // Screens are lost, terminals are not: start again with blank mirrors.
      for (const resolve of this.snapshots.values()) resolve('');
      this.snapshots.clear();
      for (const mirror of this.mirrors.values()) mirror.restarted();
    });
    this.worker = worker;
    return worker;
  }
}

/** One session's screen. */
export class ScreenMirror {
  readonly id: number;
  private readonly owner: ScreenMirrors;
  private cols: number;
  private rows: number;
  /** Bytes posted to the worker and not yet parsed. */
  private inFlight = 0;
  private skipping = false;
  private quietTimer: NodeJS.Timeout | undefined;
  private tail: Buffer[] = [];
  private tailLength = 0;

  constructor(owner: ScreenMirrors, id: number, cols: number, rows: number) {
    this.owner = owner;
    this.id = id;
    this.cols = cols;
    this.rows = rows;
  }

  write(chunk: Buffer): void {
    if (this.skipping) {
      this.keepTail(chunk);
      this.quietTimer?.refresh();
      return;
    }
    this.inFlight += chunk.length;
    this.owner.post({ type: 'write', id: this.id, data: ownBytes(chunk) });
    if (this.inFlight > this.owner.options.maxBehindBytes) {
      this.skipping = true;
      this.quietTimer = setTimeout(() => this.replayTail(), this.owner.options.quietMs);
      this.quietTimer.unref();
    }
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.owner.post({ type: 'resize', id: this.id, cols, rows });
  }

  /** The screen and its scrollback as escape sequences, once all output so far is parsed. */
  snapshot(): Promise<string> {
    if (this.skipping) this.replayTail();
    return this.owner.snapshot(this.id);
  }

  dispose(): void {
    clearTimeout(this.quietTimer);
    this.owner.forget(this.id);
  }

  /** @internal */
  acknowledged(bytes: number): void {
    this.inFlight -= bytes;
  }

  /** @internal The worker was restarted: the mirror starts again from a blank screen. */
  restarted(): void {
    clearTimeout(this.quietTimer);
    this.inFlight = 0;
    this.skipping = false;
    this.tail = [];
    this.tailLength = 0;
    this.owner.post({
      type: 'open',
      id: this.id,
      cols: this.cols,
      rows: this.rows,
      scrollback: this.owner.options.scrollback,
    });
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
    const data = Buffer.concat(this.tail);
    this.tail = [];
    this.tailLength = 0;
    this.skipping = false;
    this.inFlight += data.length;
    this.owner.post({ type: 'reset', id: this.id, data });
  }
}

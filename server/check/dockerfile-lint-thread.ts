// Lints Dockerfiles off the main thread, in one worker thread (dockerfile-lint-worker.ts) kept
// alive and reused: the text is the student's, and however it was crafted, linting it must never
// hold up the event loop that serves every terminal. Oversized Dockerfiles are refused before any
// work; a lint that overruns its time limit ends the thread, and the next lint starts a new one.
// The thread is shared fairly: each session has a couple of lints at most under way or waiting,
// served round-robin with the others', so one session's flood never has another's refused.
import { Worker } from 'node:worker_threads';
import type { LintFinding } from './dockerfile-lint.ts';

/**
 * Most bytes of a Dockerfile linted: 256 KB. Real Dockerfiles hold a few KB; at this size the
 * worst crafted ones we know (one RUN of 85 000 `rm` or `--` words) lint in about a second.
 */
export const maxDockerfileBytes = 256 * 1024;

/**
 * Most lines: 10 000, some twenty times the longest real Dockerfiles. The parser's cost grows
 * with the instructions, so with the lines (40 000 `RUN a` lines, 256 KB, took 0.7 s), and the
 * findings, sent back from the thread, can be one per line.
 */
export const maxDockerfileLines = 10_000;

/** Time limit of one lint: a hundred times what a real Dockerfile takes, well within a step's timeout (15 s by default). */
export const defaultLintTimeoutMs = 2000;

/** A lint the main thread asks of the worker; `spinMs` and `crash` are test hooks. */
export interface LintRequest {
  id: number;
  text: string;
  /** The worker busy-waits this long before linting, to overrun the time limit. */
  spinMs?: number;
  /** The worker dies instead of linting. */
  crash?: boolean;
}

export type LintReply =
  | { type: 'ready' }
  | { type: 'findings'; id: number; findings: LintFinding[] }
  | { type: 'failed'; id: number; error: string };

/** Why a lint gave no findings: each comes with a French message for the student. */
export type LintFailure = 'oversized' | 'busy' | 'timeout' | 'crashed';

export type LintResult =
  { ok: true; findings: LintFinding[] } | { ok: false; reason: LintFailure; message: string; detail?: string };

export type LintHooks = Pick<LintRequest, 'spinMs' | 'crash'>;

export interface LintThreadOptions {
  /** Most milliseconds one lint may run; past it the thread is terminated and the lint answers `timeout`. */
  timeoutMs: number;
  /**
   * Most lints waiting for the thread, all sessions together; more answer `busy` (each waiting
   * one holds its Dockerfile). A memory bound, far above what the per-session bound lets a class reach.
   */
  maxQueued: number;
  /** Most lints of one session under way or waiting; more of its lints answer `busy`. */
  maxPerSession: number;
  /** Most milliseconds a lint waits for its turn; past it, it answers `busy` without being linted. */
  maxWaitMs: number;
  /** The thread's heap limit: a Dockerfile that would need more crashes the thread, not the server. */
  maxHeapMb: number;
  /**
   * Milliseconds of the thread one session may use per `budgetWindowMs`; past it, its lints
   * answer `busy` until the window ends. Fair turns share the thread, this bounds what one
   * session takes of the machine's cores while nobody else waits.
   */
  budgetMs: number;
  budgetWindowMs: number;
}

export const defaultLintThreadOptions: LintThreadOptions = {
  timeoutMs: defaultLintTimeoutMs,
  // 128 Dockerfiles of 256 KB at most: 32 MB.
  maxQueued: 128,
  // The editor lints as the student types, the previous lint being answered or abandoned: one
  // under way and the next one are all a session needs.
  maxPerSession: 2,
  // Five overrunning lints ahead of it: past that, the student is better told to retry.
  maxWaitMs: 5 * defaultLintTimeoutMs,
  maxHeapMb: 128,
  // A student's lints take a few milliseconds each: ten seconds a minute is hundreds of them,
  // and one session flooding large Dockerfiles takes a sixth of one core at most.
  budgetMs: 10_000,
  budgetWindowMs: 60_000,
};

const french = new Intl.NumberFormat('fr-FR');

const trimAdvice =
  "Retirez-en ce qui n'y a pas sa place (des données, un long script : mettez-les dans des fichiers à côté, copiés avec COPY), puis relancez la vérification.";

function lineCount(text: string): number {
  let lines = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    // \n, \r\n and a lone \r each end a line, as for the parser.
    if (code === 10 || (code === 13 && text.charCodeAt(index + 1) !== 10)) lines += 1;
  }
  const last = text.charCodeAt(text.length - 1);
  return text.length > 0 && last !== 10 && last !== 13 ? lines + 1 : lines;
}

/** The French refusal of a Dockerfile over the bounds, or null; linear, before any parsing. */
export function sizeRefusal(text: string): string | null {
  // UTF-8 never takes fewer bytes than UTF-16 code units: a long text is refused without encoding it.
  if (text.length > maxDockerfileBytes || Buffer.byteLength(text, 'utf8') > maxDockerfileBytes) {
    return `Dockerfile trop gros pour être analysé (${maxDockerfileBytes / 1024} Ko maximum) : ce fichier dépasse cette taille, quand un Dockerfile tient d'ordinaire en quelques Ko. ${trimAdvice}`;
  }
  const lines = lineCount(text);
  if (lines > maxDockerfileLines) {
    return `Dockerfile trop gros pour être analysé (${french.format(maxDockerfileLines)} lignes maximum) : ce fichier en compte ${french.format(lines)}. ${trimAdvice}`;
  }
  return null;
}

function tooComplex(timeoutMs: number): string {
  return `Ce Dockerfile est trop complexe pour être analysé : l'analyse a dépassé ${french.format(timeoutMs / 1000)} s et a été interrompue. Simplifiez-le (des RUN plus courts, sans lignes démesurées ni motifs répétés des milliers de fois), puis relancez la vérification.`;
}

const crashedMessage =
  "L'analyse du Dockerfile s'est arrêtée sur une erreur inattendue. Relancez la vérification ; si cela se répète, signalez-le à votre formateur.";

const busyMessage =
  'Trop de Dockerfiles attendent d’être analysés en ce moment : relancez la vérification dans quelques secondes.';

function budgetMessage(options: LintThreadOptions): string {
  return `Vos Dockerfiles ont occupé l’analyseur plus de ${french.format(options.budgetMs / 1000)} s en ${french.format(options.budgetWindowMs / 1000)} s : attendez un peu, puis relancez l’analyse (les Dockerfiles d’une taille ordinaire ne posent jamais ce problème).`;
}

const sessionBusyMessage =
  'Vos Dockerfiles précédents sont encore en cours d’analyse : attendez leur résultat, puis relancez la vérification.';

interface Job {
  request: LintRequest;
  key: string;
  resolve: (result: LintResult) => void;
  timer?: NodeJS.Timeout;
  /** When the thread took it (performance.now()), to charge its session. */
  startedAt?: number;
}

/** The thread time a session used in its current window. */
interface Spent {
  windowStart: number;
  ms: number;
}

/**
 * The linter's thread and the lints waiting for it, one running at a time. One thread, not a
 * pool: lints are short, and however many students check at once, linting takes at most one
 * core from the server's few.
 */
export class DockerfileLintThread {
  readonly options: LintThreadOptions;
  private worker: Worker | undefined;
  /** The worker has loaded the linter: requests posted from now on are timed. */
  private ready = false;
  private running: Job | undefined;
  /** Waiting lints per session, and the sessions in the order they are served next. */
  private readonly waiting = new Map<string, Job[]>();
  private readonly rotation: string[] = [];
  private waitingCount = 0;
  /** The session of the last lint taken. */
  private lastKey: string | undefined;
  private nextId = 1;
  private threads = 0;
  /** Thread time used per session (only sessions that linted in their current window). */
  private readonly spent = new Map<string, Spent>();

  constructor(options: Partial<LintThreadOptions> = {}) {
    this.options = { ...defaultLintThreadOptions, ...options };
  }

  /** Threads started so far: none before the first lint within the bounds, one more after each overrun or crash. */
  get started(): number {
    return this.threads;
  }

  /**
   * Lints `text` in the thread for `session` (each lint without one counts alone); never
   * rejects: a failure is a result with a French message.
   */
  lint(text: string, hooks: LintHooks = {}, session?: string): Promise<LintResult> {
    const refusal = sizeRefusal(text);
    if (refusal) return Promise.resolve({ ok: false, reason: 'oversized', message: refusal });
    const id = this.nextId++;
    const key = session ?? `#${id}`;
    const queue = this.waiting.get(key) ?? [];
    const busy = this.refusalFor(key);
    if (busy) return Promise.resolve({ ok: false, reason: 'busy', message: busy });
    if (this.waitingCount >= this.options.maxQueued) {
      return Promise.resolve({ ok: false, reason: 'busy', message: busyMessage });
    }
    return new Promise((resolve) => {
      const job: Job = { request: { id, text, ...hooks }, key, resolve };
      // Its turn did not come in time: answered now, it leaves the queue.
      job.timer = setTimeout(() => {
        if (this.unqueue(job)) this.settle(job, { ok: false, reason: 'busy', message: busyMessage });
      }, this.options.maxWaitMs);
      queue.push(job);
      this.waitingCount++;
      if (queue.length === 1) {
        this.waiting.set(key, queue);
        this.rotation.push(key);
      }
      this.next();
    });
  }

  /** Ends the thread; lints under way or waiting answer `crashed`. A later lint starts a new thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    for (const job of [this.running, ...this.drain()]) {
      if (job) this.settle(job, { ok: false, reason: 'crashed', message: crashedMessage, detail: 'closed' });
    }
    await worker?.terminate();
  }

  /**
   * Why a lint of `session` would be refused now (its share held, or its budget spent), or
   * null: asked before its Dockerfile is even read, so that a flood costs no parsing.
   */
  refusalFor(session: string): string | null {
    const queue = this.waiting.get(session);
    const held = (queue?.length ?? 0) + (this.running?.key === session ? 1 : 0);
    if (held >= this.options.maxPerSession) return sessionBusyMessage;
    if (this.spentBy(session) >= this.options.budgetMs) return budgetMessage(this.options);
    return null;
  }

  /** Thread time `key` used in its current window (0 once the window is over). */
  private spentBy(key: string): number {
    const spent = this.spent.get(key);
    if (!spent) return 0;
    if (performance.now() - spent.windowStart < this.options.budgetWindowMs) return spent.ms;
    this.spent.delete(key);
    return 0;
  }

  private charge(key: string, ms: number): void {
    const now = performance.now();
    const spent = this.spent.get(key);
    if (spent && now - spent.windowStart < this.options.budgetWindowMs) spent.ms += ms;
    else this.spent.set(key, { windowStart: now, ms });
    // Sessions that stopped linting are forgotten once their window is over.
    if (this.spent.size > 1000) {
      for (const [other, entry] of this.spent) {
        if (now - entry.windowStart >= this.options.budgetWindowMs) this.spent.delete(other);
      }
    }
  }

  /** Every waiting lint, taken out of the queue. */
  private drain(): Job[] {
    const jobs = [...this.waiting.values()].flat();
    this.waiting.clear();
    this.rotation.length = 0;
    this.waitingCount = 0;
    return jobs;
  }

  /** Takes a waiting job out of its queue; false when it was not waiting any more. */
  private unqueue(job: Job): boolean {
    const queue = this.waiting.get(job.key);
    const index = queue?.indexOf(job) ?? -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    this.waitingCount--;
    if (queue.length === 0) {
      this.waiting.delete(job.key);
      this.rotation.splice(this.rotation.indexOf(job.key), 1);
    }
    return true;
  }

  /** The next session's first waiting lint, round-robin. */
  private take(): Job | undefined {
    // A session whose lint just ran goes after the others, even if it queued its next first.
    if (this.rotation.length > 1 && this.rotation[0] === this.lastKey)
      this.rotation.push(this.rotation.shift() as string);
    const key = this.rotation.shift();
    this.lastKey = key;
    if (key === undefined) return undefined;
    const queue = this.waiting.get(key) ?? [];
    const job = queue.shift();
    this.waitingCount--;
    if (queue.length > 0) this.rotation.push(key);
    else this.waiting.delete(key);
    return job;
  }

  private next(): void {
    if (this.running || this.waitingCount === 0) return;
    const worker = this.ensureWorker();
    // Not loaded yet: its 'ready' calls next() again. Timing from here would count a cold start.
    if (!this.ready) return;
    const job = this.take();
    if (!job) return;
    clearTimeout(job.timer);
    this.running = job;
    job.startedAt = performance.now();
    // A lint under way keeps the process alive until it answers; an idle thread does not.
    worker.ref();
    job.timer = setTimeout(() => this.overran(job), this.options.timeoutMs);
    worker.postMessage(job.request);
  }

  private settle(job: Job, result: LintResult): void {
    clearTimeout(job.timer);
    if (this.running === job) {
      this.running = undefined;
      this.worker?.unref();
      if (job.startedAt !== undefined) this.charge(job.key, performance.now() - job.startedAt);
    }
    job.resolve(result);
  }

  /** The only way to stop a lint stuck in a synchronous loop or regex is to end its thread. */
  private overran(job: Job): void {
    if (this.running !== job) return;
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    void worker?.terminate();
    this.settle(job, { ok: false, reason: 'timeout', message: tooComplex(this.options.timeoutMs) });
    this.next();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./dockerfile-lint-worker.ts', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    worker.unref();
    this.threads += 1;
    this.worker = worker;
    let failure: string | undefined;
    worker.on('message', (reply: LintReply) => {
      if (this.worker !== worker) return;
      if (reply.type === 'ready') {
        this.ready = true;
        this.next();
        return;
      }
      const job = this.running;
      if (!job || job.request.id !== reply.id) return;
      this.settle(
        job,
        reply.type === 'findings'
          ? { ok: true, findings: reply.findings }
          : { ok: false, reason: 'crashed', message: crashedMessage, detail: reply.error },
      );
      this.next();
    });
    // Without a listener, an error of the thread (an uncaught exception, its heap exhausted)
    // would be thrown on the main thread and end the server; its 'exit' follows.
    worker.on('error', (error: Error) => {
      failure = error.message;
    });
    worker.on('exit', (code) => {
      // A thread ended on purpose (overrun, close) was already replaced.
      if (this.worker !== worker) return;
      const loaded = this.ready;
      this.worker = undefined;
      this.ready = false;
      const crashed: LintResult = {
        ok: false,
        reason: 'crashed',
        message: crashedMessage,
        detail: failure ?? `exit code ${code}`,
      };
      const job = this.running;
      if (job) {
        this.settle(job, crashed);
        // The next lint gets a new thread.
        this.next();
      } else if (!loaded) {
        // Dead before it could lint anything (it failed to load): a new one would fail the same way.
        for (const waiting of this.drain()) this.settle(waiting, crashed);
      }
    });
    return worker;
  }
}

const shared = new DockerfileLintThread();

/** Lints a Dockerfile in the server's linter thread, as `session`'s (see DockerfileLintThread.lint). */
export function lintDockerfileOffThread(text: string, session?: string): Promise<LintResult> {
  return shared.lint(text, {}, session);
}

/** Why a lint of `session` would be refused now, before its Dockerfile is read; null when it would be taken. */
export function lintRefusalFor(session: string): string | null {
  return shared.refusalFor(session);
}

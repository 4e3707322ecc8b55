// `docker exec` into a session's sandbox or checker: short commands with their output collected
// and bounded, long streams read at the client's pace, each under a fair per-session bound.
import { availableParallelism } from 'node:os';
import { Duplex, finished as finishedCallback, PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { CheckerContainers } from './checker-containers.ts';
import { checkerName } from './container-spec.ts';
import { SandboxBusyError, SandboxGoneError, type ExecOptions, type ExecResult, type ExecStream } from './driver.ts';
import { goneOr, type EngineCalls } from './engine-calls.ts';
import { FairLimit, FairLimitBusyError } from './fair-limit.ts';

/**
 * A session's share of the exec bound: three at once (its file tree, a file and a check, say;
 * each of these is sequential inside). The others' share stays free however many one session
 * asks for, and free slots go round-robin between the sessions that wait (FairLimit).
 */
export const execsPerSession = 3;

/**
 * Execs of one session waiting for its share: an editor opening a folder's files at once fits
 * many times over; past it the session's next exec is refused (429) rather than queued forever.
 */
export const queuedExecsPerSession = 32;

/**
 * Streams of one session at once (downloads, uploads, `docker save`): each can last minutes at a
 * slow client's pace, so they have their own bound rather than one of the short exec slots; the
 * editor sends and fetches one file at a time, the layer explorer one image.
 */
export const streamsPerSession = 3;

/** Streams of one session waiting for one of its three; more are refused (429). */
export const queuedStreamsPerSession = 4;

/**
 * Connections of one session's web preview through its engine at once (a browser opens six to a
 * host), each a small process in its checker; more wait, and past the queue are refused.
 */
export const portsPerSession = 8;
export const queuedPortsPerSession = 16;

/** A preview connection through the engine lasts at most this long (a WebSocket left open). */
const portDeadlineSeconds = 3600;
/** How long a preview connection waits for one of its session's slots before it is refused. */
const portWaitMs = 20_000;

export interface ExecBounds {
  /** Most `docker exec` (checks, set-ups) running at once on the engine; more wait their turn. */
  maxConcurrentExecs?: number;
  /** Most of those one session runs at once (execsPerSession by default). */
  maxExecsPerSession?: number;
}

/**
 * Prints the command's pid on stderr, then becomes it: `timeout` makes itself the leader of a
 * process group of that id, so that a cancelled stream kills the whole command at once.
 */
const reportPid = ['sh', '-c', 'echo "$$" >&2; exec "$@"', 'sh'];

/**
 * The stdout of a non-TTY exec stream (8-byte frame headers), with backpressure: when the
 * reader pauses, the stream stops being read. (docker-modem's demuxStream ignores it.)
 */
export function demuxStdout(stream: Duplex, onStderr?: (chunk: Buffer) => void): Readable {
  let buffered: Buffer = Buffer.alloc(0);
  const output = new Readable({
    read: () => stream.resume(),
  });
  stream.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let more = true;
    while (buffered.length >= 8) {
      const size = buffered.readUInt32BE(4);
      if (buffered.length < 8 + size) break;
      const kind = buffered[0];
      const payload = buffered.subarray(8, 8 + size);
      buffered = buffered.subarray(8 + size);
      if (kind === 1) more = output.push(payload) && more;
      else if (kind === 2) onStderr?.(payload);
    }
    if (!more) stream.pause();
  });
  let ended = false;
  stream.on('end', () => {
    ended = true;
    output.push(null);
  });
  stream.on('close', () => {
    if (!ended) output.destroy();
  });
  stream.on('error', (error: Error) => output.destroy(error));
  return output;
}

/**
 * Pipes `input` into an exec's stdin with backpressure; an input that fails or is cut (a client
 * gone mid-upload) cuts the exec's stream, so the command reads a short input and not a
 * complete-looking one. The command ending first just stops the piping (the caller sees what
 * was not read). Gives what went wrong with the input, once the exec is over.
 */
function pipeInput(input: Readable, stream: Duplex): () => Error | undefined {
  let failure: Error | undefined;
  const cut = (error: Error) => {
    failure ??= error;
    stream.destroy();
  };
  // Also when the input was already cut before the exec started.
  finishedCallback(input, { writable: false }, (error) => {
    if (error) cut(input.errored ?? error);
  });
  stream.once('close', () => input.unpipe(stream));
  input.pipe(stream);
  return () => failure;
}

/** Collects a stream's bytes up to `maxBytes` (the rest is counted, not kept). */
function collect(maxBytes: number): { sink: PassThrough; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
    size += chunk.length;
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

export class SandboxExec {
  private readonly calls: EngineCalls;
  private readonly checkers: CheckerContainers;
  /**
   * One bound for every session's execs, so a class checking at once queues instead of drowning
   * the engine, shared fairly: a session holds at most its share of it (execsPerSession).
   */
  private readonly execLimit: FairLimit;
  /** Long-lived execs (streams, uploads): a few per session, outside the short execs' bound. */
  private readonly streamLimit: FairLimit;
  /** Preview connections through the engine: their own per-session bound, as browsers hold them open. */
  private readonly portLimit: FairLimit;

  constructor(calls: EngineCalls, checkers: CheckerContainers, bounds: ExecBounds = {}) {
    this.calls = calls;
    this.checkers = checkers;
    const execs = bounds.maxConcurrentExecs ?? Math.max(4, 4 * availableParallelism());
    this.execLimit = new FairLimit({
      concurrency: execs,
      perKey: Math.min(execs, bounds.maxExecsPerSession ?? execsPerSession),
      maxQueuedPerKey: queuedExecsPerSession,
      name: 'docker exec',
    });
    this.streamLimit = new FairLimit({
      concurrency: Infinity,
      perKey: streamsPerSession,
      maxQueuedPerKey: queuedStreamsPerSession,
      name: 'docker exec stream',
    });
    this.portLimit = new FairLimit({
      concurrency: Infinity,
      perKey: portsPerSession,
      maxQueuedPerKey: queuedPortsPerSession,
      name: 'docker exec port',
    });
  }

  /** Execs and streams running and waiting, for the metrics. */
  get counts(): { execs: { running: number; waiting: number }; streams: { running: number; waiting: number } } {
    return { execs: this.execLimit.counts(), streams: this.streamLimit.counts() };
  }

  private async slot(limit: FairLimit, sessionId: string): Promise<() => void> {
    try {
      return await limit.acquire(sessionId);
    } catch (error) {
      if (error instanceof FairLimitBusyError) throw new SandboxBusyError(sessionId, { cause: error });
      throw error;
    }
  }

  async exec(sessionId: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const streamed = options.stdin !== undefined && !Buffer.isBuffer(options.stdin);
    const release = await this.slot(streamed ? this.streamLimit : this.execLimit, sessionId);
    try {
      return await this.execNow(sessionId, command, options);
    } finally {
      release();
    }
  }

  async execStream(sessionId: string, command: string[], options: { timeoutMs: number }): Promise<ExecStream> {
    const release = await this.slot(this.streamLimit, sessionId);
    const container = this.calls.sandbox(sessionId);
    const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await container.exec({
        Cmd: [...reportPid, 'timeout', '-s', 'KILL', String(seconds), ...command],
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        User: 'root',
        WorkingDir: '/root',
        ...this.calls.within(),
      });
      stream = await exec.start({ hijack: true, stdin: false, ...this.calls.within() });
    } catch (error) {
      release();
      throw goneOr(error, sessionId);
    }
    let pid: number | undefined;
    let stderr = '';
    const output = demuxStdout(stream, (chunk) => {
      if (pid !== undefined || stderr.length > 64) return;
      stderr += chunk.toString('latin1');
      const line = /^(\d+)\n/.exec(stderr);
      if (line) pid = Number(line[1]);
    });
    const ended = finished(stream, { writable: false }).catch(() => undefined);
    // The slot is the session's until the command's stream closes (it ended, was cut or killed).
    void ended.then(release);
    let cancelled = false;
    return {
      output,
      exitCode: async () => {
        await ended;
        try {
          const info = await exec.inspect(this.calls.within());
          return info.Running ? -1 : (info.ExitCode ?? -1);
        } catch (error) {
          throw goneOr(error, sessionId);
        }
      },
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        stream.destroy();
        // A command whose output nobody reads would block on it until its deadline: it is
        // killed now, if it still runs (then its pid is still its own).
        if (pid === undefined) return;
        const group = pid;
        void exec
          .inspect(this.calls.within())
          .then((info) =>
            info.Running ? this.exec(sessionId, ['kill', '-KILL', '--', `-${group}`], { timeoutMs: 5000 }) : undefined,
          )
          .catch(() => {});
      },
    };
  }

  private execNow(sessionId: string, command: string[], options: ExecOptions): Promise<ExecResult> {
    if (options.in !== 'checker') return this.execIn(this.calls.sandboxRef(sessionId), sessionId, command, options);
    return this.inChecker(sessionId, () => this.execIn(checkerName(sessionId), sessionId, command, options));
  }

  /** Runs `work` against the session's checker, made first, and made again once if found gone. */
  private async inChecker<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    await this.checkers.ensure(sessionId);
    try {
      return await work();
    } catch (error) {
      // The checker was stopped from the sandbox (its processes are visible there): made again.
      if (!(error instanceof SandboxGoneError)) throw error;
      this.checkers.forget(sessionId);
      await this.checkers.ensure(sessionId);
      return work();
    }
  }

  /**
   * A connection to a port of the sandbox, from its checker (which shares its network) by
   * sandbox-port-forward: raw bytes in on stdin, out on stdout. Holds one of the session's
   * preview slots until it closes.
   */
  async openPort(sessionId: string, port: number): Promise<Duplex> {
    // The wait has a deadline: WebSockets left open may hold every slot for long.
    const slot = this.slot(this.portLimit, sessionId);
    const release = await Promise.race([slot, delay(portWaitMs, undefined, { ref: false })]);
    if (!release) {
      void slot.then(
        (late) => late(),
        () => {},
      );
      throw new SandboxBusyError(sessionId);
    }
    let stream: Duplex;
    try {
      stream = await this.inChecker(sessionId, async () => {
        try {
          const exec = await this.calls.docker.getContainer(checkerName(sessionId)).exec({
            Cmd: ['timeout', '-s', 'KILL', String(portDeadlineSeconds), 'sandbox-port-forward', String(port)],
            AttachStdin: true,
            AttachStdout: true,
            AttachStderr: true,
            Tty: false,
            User: 'root',
            WorkingDir: '/',
            ...this.calls.within(),
          });
          return await exec.start({ hijack: true, stdin: true, ...this.calls.within() });
        } catch (error) {
          throw goneOr(error, sessionId);
        }
      });
    } catch (error) {
      release();
      throw error;
    }
    void finished(stream)
      .catch(() => undefined)
      .then(release);
    // Out: the forwarder's stdout; in: its stdin, raw (the engine frames only what comes out).
    const connection = Duplex.from({ readable: demuxStdout(stream), writable: stream });
    connection.once('close', () => stream.destroy());
    return connection;
  }

  private async execIn(name: string, sessionId: string, command: string[], options: ExecOptions): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const input = options.stdin;
    // A streamed input can be cut mid-way: the command is then killed, by the pid it reports.
    const streamed = input !== undefined && !Buffer.isBuffer(input);
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await this.calls.docker.getContainer(name).exec({
        Cmd: [...(streamed ? reportPid : []), 'timeout', '-s', 'KILL', String(seconds), ...command],
        AttachStdin: input !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        User: 'root',
        WorkingDir: options.workdir ?? '/root',
        Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
        ...this.calls.within(),
      });
      // Bounds the wait for the stream only: once upgraded, the request is done with.
      stream = await exec.start({ hijack: true, stdin: input !== undefined, ...this.calls.within() });
    } catch (error) {
      throw goneOr(error, sessionId);
    }
    const maxBytes = options.maxOutputBytes ?? 1024 * 1024;
    const stdout = collect(maxBytes);
    const stderr = collect(maxBytes);
    this.calls.docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
    const inputFailure = input === undefined || Buffer.isBuffer(input) ? undefined : pipeInput(input, stream);
    if (Buffer.isBuffer(input)) stream.end(input);
    // The stream ends when the command does; a premature close (the sandbox went away) ends it too.
    let timedOut = await finished(stream, { writable: false, signal: AbortSignal.timeout(timeoutMs + 2000) }).then(
      () => false,
      (error: Error) => error.name === 'AbortError',
    );
    if (timedOut) stream.destroy();
    // The engine records the exit code before it closes the exec's streams.
    let exitCode = -1;
    try {
      const info = await exec.inspect(this.calls.within());
      if (!info.Running) exitCode = info.ExitCode ?? -1;
    } catch (error) {
      throw goneOr(error, sessionId);
    }
    // `timeout -s KILL` ends a command that overran with 137.
    if (exitCode === 137 && !timedOut) timedOut = true;
    let errors = stderr.text();
    const pid = streamed ? /^(\d+)\n/.exec(errors)?.[1] : undefined;
    if (pid) errors = errors.slice(pid.length + 1);
    const failure = inputFailure?.();
    if (failure) {
      // Its input was cut (the client went away): the command is not left waiting for the rest.
      // TERM, so that it can still clean up (a partial upload's temporary file).
      if (pid && exitCode === -1) {
        void this.exec(sessionId, ['kill', '-TERM', '--', `-${pid}`], { timeoutMs: 5000 }).catch(() => {});
      }
      throw failure;
    }
    return { exitCode, stdout: stdout.text(), stderr: errors, timedOut };
  }
}

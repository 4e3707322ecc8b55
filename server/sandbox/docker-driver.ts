// The sandbox driver on the Docker Engine API (dockerode): one container per session running
// its own dockerd, on a network of its own that only the course registry shares.
import { randomBytes } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { finished as finishedCallback, PassThrough, Readable, type Duplex, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import Docker from 'dockerode';
import pLimit, { type LimitFunction } from 'p-limit';
import { FairLimit, FairLimitBusyError } from './fair-limit.ts';
import type { Logger } from '../log/log.ts';
import { attachPackets, keysPackets, resizePacket } from './dtach.ts';
import {
  IsolationError,
  labels,
  SandboxBusyError,
  SandboxError,
  SandboxGoneError,
  SandboxStartError,
  SandboxTerminalError,
  SubnetPoolExhaustedError,
  type ExecOptions,
  type ExecResult,
  type ExecStream,
  type Sandbox,
  type SandboxDriver,
  type SandboxSpec,
  type TerminalProcess,
} from './driver.ts';
import { bridgeName, remoteEngine } from './firewall.ts';
import { applySandboxWeight, weightFiles, type CgroupDriver } from './cpu-weight.ts';
import {
  checkerContainer,
  checkerName,
  sandboxContainer,
  sandboxName,
  type ContainerSettings,
  type EngineFacts,
} from './container-spec.ts';

export interface DockerDriverOptions extends ContainerSettings {
  egress: 'internet' | 'none';
  /** e.g. `10.213.0.0/16`: each sandbox network takes one /24 of it. */
  subnetPool: string;
  /** Seconds to wait for a new sandbox's engine. */
  readyTimeoutSeconds: number;
  /** Most `docker exec` (checks, set-ups) running at once on the engine; more wait their turn. */
  maxConcurrentExecs?: number;
  /** Most of those one session runs at once (execsPerSession by default). */
  maxExecsPerSession?: number;
  /** Most sandboxes starting at once; more wait their turn. */
  maxConcurrentStarts?: number;
  /** How the shell is reached: TCP to the sandbox's address, or `docker exec` (remote engines). */
  terminalTransport: 'tcp' | 'exec';
  /** Deadline of engine calls that answer at once; 30 s by default (removals get three times it). */
  engineCallTimeoutMs?: number;
  /** SANDBOX_ISOLATION: whether the sandbox's root is the host's (see resolveIsolation). */
  isolation?: 'auto' | 'userns' | 'none';
}

/** What a sandbox's root is on the host: an ordinary user (userns) or root itself (none). */
export type IsolationMode = 'userns' | 'none';

/** `auto` means TCP when the engine is on this machine (its containers' addresses are reachable). */
export function terminalTransport(setting: 'auto' | 'tcp' | 'exec', dockerHost: string | undefined): 'tcp' | 'exec' {
  if (setting !== 'auto') return setting;
  return remoteEngine(dockerHost) ? 'exec' : 'tcp';
}

/** Port of the terminal relay in the sandbox (sandbox-terminal-relay). */
const terminalPort = 7681;

function connectTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('timeout', () => socket.destroy(new Error('délai de connexion dépassé')));
    socket.once('error', reject);
  });
}

const readyLine = 'sandbox: ready';

/** Where a sandbox's terminal relay listens, and whether this server has reached it yet. */
interface RelayAddress {
  readonly address: string;
  readonly secret: string;
  reached: boolean;
}

/** How long a stopped relay gets to come back before the terminal reports it silent. */
const relayRestartMs = 15_000;

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
 * Prints the command's pid on stderr, then becomes it: `timeout` makes itself the leader of a
 * process group of that id, so that a cancelled stream kills the whole command at once.
 */
const reportPid = ['sh', '-c', 'echo "$$" >&2; exec "$@"', 'sh'];

/** A shell behind dtach's client protocol: `output` carries the shell's bytes, `input` takes packets. */
function dtachTerminal(
  output: Readable,
  input: Writable,
  cols: number,
  rows: number,
  close: () => void,
): TerminalProcess {
  input.write(attachPackets(cols, rows));
  return {
    output,
    write: (keys) => {
      if (!input.destroyed) input.write(keysPackets(keys));
    },
    inputBacklog: () => (input.destroyed ? 0 : input.writableLength),
    inputDrained: () =>
      input.destroyed || input.writableLength === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              input.off('drain', done);
              input.off('close', done);
              resolve();
            };
            input.on('drain', done);
            input.on('close', done);
          }),
    resize: (c, r) => {
      if (!input.destroyed) input.write(resizePacket(c, r));
    },
    close,
  };
}

/**
 * The stdout of a non-TTY exec stream (8-byte frame headers), with backpressure: when the
 * reader pauses, the stream stops being read. (docker-modem's demuxStream ignores it.)
 */
function demuxStdout(stream: Duplex, onStderr?: (chunk: Buffer) => void): Readable {
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

function networkName(sessionId: string): string {
  return sandboxName(sessionId);
}

function toSandbox(info: Docker.ContainerInfo): Sandbox {
  const l = info.Labels;
  const sessionId = l[labels.session] ?? '';
  return {
    containerId: info.Id,
    sessionId,
    networkName: networkName(sessionId),
    expiresAt: new Date(l[labels.expires] ?? 0),
    pooled: l[labels.pooled] === 'true',
    createdAt: new Date(info.Created * 1000),
    running: info.State === 'running',
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

/** The engine answers 404 for a missing container and 409 for a stopped one. */
function goneOr(error: unknown, sessionId: string): unknown {
  const status = (error as { statusCode?: number } | null)?.statusCode;
  return status === 404 || status === 409 ? new SandboxGoneError(sessionId, { cause: error }) : error;
}

export class DockerSandboxDriver implements SandboxDriver {
  readonly docker: Docker;
  private readonly options: DockerDriverOptions;
  private readonly log: Logger;
  /** Per session: the sandbox's address and its relay secret, read once from the engine. */
  private readonly addresses = new Map<string, RelayAddress>();
  /** Sessions whose checker is known to run (or being made), so each check does not ask. */
  private readonly checkers = new Map<string, Promise<void>>();

  constructor(options: DockerDriverOptions, log: Logger, docker: Docker = new Docker()) {
    this.options = options;
    this.log = log;
    this.docker = docker;
    const execs = options.maxConcurrentExecs ?? Math.max(4, 4 * availableParallelism());
    this.execLimit = new FairLimit({
      concurrency: execs,
      perKey: Math.min(execs, options.maxExecsPerSession ?? execsPerSession),
      maxQueuedPerKey: queuedExecsPerSession,
      name: 'docker exec',
    });
    this.streamLimit = new FairLimit({
      concurrency: Infinity,
      perKey: streamsPerSession,
      maxQueuedPerKey: queuedStreamsPerSession,
      name: 'docker exec stream',
    });
    this.startLimit = pLimit(options.maxConcurrentStarts ?? Math.max(2, 2 * availableParallelism()));
  }

  /** The last answer and when it came, so a burst of health probes asks the engine once. */
  private engineSeen: { at: number; answer: Promise<boolean> } | undefined;

  /** Answers within 2 s whatever the engine does: a slow or absent engine reads as unavailable. */
  engineAvailable(): Promise<boolean> {
    const now = Date.now();
    if (this.engineSeen && now - this.engineSeen.at < 1000) return this.engineSeen.answer;
    const answer = Promise.race([
      // dockerode's types omit ping()'s options, which it does pass on.
      (this.docker as unknown as { ping(o: { abortSignal: AbortSignal }): Promise<unknown> })
        .ping(this.within(2000))
        .then(
          () => true,
          () => false,
        ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
    ]);
    this.engineSeen = { at: now, answer };
    return answer;
  }

  /** The engine's last known state, for engineStatus(). */
  private engineKnown: boolean | undefined;

  /**
   * For liveness probes (/api/health): the engine's last known state at once, refreshed in the
   * background (one ping a second at most), so a busy engine never slows the probe; only the
   * first call waits for an answer.
   */
  engineStatus(): Promise<boolean> {
    const fresh = this.engineAvailable().then((answer) => (this.engineKnown = answer));
    return this.engineKnown === undefined ? fresh : Promise.resolve(this.engineKnown);
  }

  /**
   * Deadline of an engine call that answers at once (inspect, list, create, connect…), so
   * that a hung engine fails the call rather than holding a seat, a check or the reaper
   * forever. Streams (logs, exec output) have deadlines of their own.
   */
  private within(ms = this.options.engineCallTimeoutMs ?? 30_000): { abortSignal: AbortSignal } {
    // Calls made in the same second share one signal (a deadline of ms to ms + 1 s): a class's
    // thousands of calls then leave one timer a second behind them, not one each, and firing
    // timers (each with its AbortError) cost the event loop seconds in a class's start.
    const now = Date.now();
    let shared = this.deadlines.get(ms);
    if (!shared || now - shared.since >= 1000) {
      shared = { since: now, signal: AbortSignal.timeout(ms + 1000) };
      this.deadlines.set(ms, shared);
    }
    return { abortSignal: shared.signal };
  }

  private readonly deadlines = new Map<number, { since: number; signal: AbortSignal }>();

  /** Whether the engine remaps users (userns-remap); known once resolveIsolation() ran. */
  private engineRemapsUsers = false;
  /** The engine's cgroups, known once resolveIsolation() ran: where sandboxes are put. */
  private cgroups: { driver: CgroupDriver; version: '1' | '2' } = { driver: 'cgroupfs', version: '2' };

  /** What the containers' specifications need to know of the engine. */
  private engineFacts(): EngineFacts {
    return { remapsUsers: this.engineRemapsUsers, isolation: this.isolation, cgroupDriver: this.cgroups.driver };
  }
  /** Whether weighing the sandboxes worked last time (undefined before the first try). */
  private weighed: boolean | undefined;
  /** The mode sandboxes are created in; `none` until resolveIsolation() says otherwise. */
  isolation: IsolationMode = 'none';

  /**
   * Settles the isolation mode with the engine, once at start: `userns` needs an engine run
   * with userns-remap (Docker then maps each sandbox's root to an unprivileged host user);
   * `none` on such an engine opts the sandboxes out of it. Throws IsolationError when
   * `userns` was asked of an engine that cannot give it.
   */
  async resolveIsolation(): Promise<IsolationMode> {
    // dockerode's types omit info()'s options, which it does pass on.
    const docker = this.docker as unknown as { info(o: { abortSignal: AbortSignal }): Promise<unknown> };
    const info = (await docker.info(this.within())) as {
      SecurityOptions?: string[];
      CgroupDriver?: string;
      CgroupVersion?: string;
    };
    this.cgroups = {
      driver: info.CgroupDriver === 'systemd' ? 'systemd' : 'cgroupfs',
      version: info.CgroupVersion === '1' ? '1' : '2',
    };
    this.engineRemapsUsers = (info.SecurityOptions ?? []).some((option) => option.split(',').includes('name=userns'));
    const asked = this.options.isolation ?? 'auto';
    if (asked === 'userns' && !this.engineRemapsUsers) {
      throw new IsolationError('SANDBOX_ISOLATION=userns but the engine does not run with userns-remap');
    }
    this.isolation = asked === 'none' || this.options.privileged || !this.engineRemapsUsers ? 'none' : 'userns';
    return this.isolation;
  }

  /** Gives the sandboxes' parent cgroup its weight; says so, once, when it cannot. */
  private async weighSandboxes(): Promise<void> {
    const weight = this.options.cpuWeight;
    if (!weight) return;
    const files = weightFiles('/sys/fs/cgroup', this.cgroups.version, this.cgroups.driver, weight);
    const { applied, error } = await applySandboxWeight(files);
    const first = this.weighed === undefined;
    this.weighed = applied;
    if (!first) return;
    if (applied) this.log.info('sandboxes weighed against the server', { weight, cgroups: this.cgroups });
    else
      this.log.warn('could not weigh the sandboxes against the server: they share the CPU with it at equal weight', {
        files: files.map((f) => f.file),
        error,
      });
  }

  /** Picks a free /24 in the pool; concurrent creations may collide, so the caller retries. */
  private async freeSubnet(): Promise<string> {
    const prefix = this.options.subnetPool.split('.').slice(0, 2).join('.');
    const networks = await this.docker.listNetworks(this.within());
    const used = new Set<string>();
    for (const network of networks) {
      for (const config of network.IPAM?.Config ?? []) if (config.Subnet) used.add(config.Subnet);
    }
    const start = 1 + Math.floor(Math.random() * 254);
    for (let i = 0; i < 254; i++) {
      const third = 1 + ((start + i) % 254);
      const subnet = `${prefix}.${third}.0/24`;
      if (!used.has(subnet)) return subnet;
    }
    throw new SubnetPoolExhaustedError(`no free /24 left in ${this.options.subnetPool}`);
  }

  private async createNetwork(spec: SandboxSpec): Promise<string> {
    const name = networkName(spec.sessionId);
    for (let attempt = 0; ; attempt++) {
      const subnet = await this.freeSubnet();
      const gateway = subnet.replace(/\.0\/24$/, '.1');
      try {
        await this.docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Internal: this.options.egress === 'none',
          EnableIPv6: false,
          // Named, so that the firewall matches every sandbox bridge by interface (cdsb+).
          Options: { 'com.docker.network.bridge.name': bridgeName(spec.sessionId) },
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
          Labels: {
            [labels.managed]: 'true',
            [labels.role]: 'sandbox-network',
            [labels.session]: spec.sessionId,
            [labels.expires]: spec.expiresAt.toISOString(),
            [labels.instance]: this.options.instance,
          },
          ...this.within(),
        });
        return name;
      } catch (error) {
        const message = String((error as Error).message);
        if (attempt < 5 && /overlap|already/i.test(message)) continue;
        throw error;
      }
    }
  }

  private async joinRegistry(network: string): Promise<void> {
    if (!this.options.registryContainer) return;
    try {
      await this.docker.getNetwork(network).connect({
        Container: this.options.registryContainer,
        EndpointConfig: { Aliases: [this.options.registryAlias] },
        ...this.within(),
      });
    } catch (error) {
      // Without the registry the sandbox still works; only offline pulls fail.
      this.log.warn('registry not joined to sandbox network', { network, error });
    }
  }

  /**
   * Sandbox starts wait their turn: thirty inner engines booting at once on two cores all miss
   * their readiness deadline, while a few at a time each start in about a second. The deadline
   * counts from the start of the work, not from the request.
   */
  create(spec: SandboxSpec): Promise<Sandbox> {
    return this.startLimit(() => this.createNow(spec));
  }

  private async createNow(spec: SandboxSpec): Promise<Sandbox> {
    const o = this.options;
    // Where a start's time goes, in the log: the engine's objects, then the inner engine's boot.
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      phases[phase] = Math.round(now - mark);
      mark = now;
    };
    let network: string;
    try {
      network = await this.createNetwork(spec);
      lap('networkMs');
    } catch (error) {
      throw error instanceof SandboxError
        ? error
        : new SandboxStartError(`sandbox network not created: ${(error as Error).message}`, { cause: error });
    }
    try {
      await this.joinRegistry(network);
      lap('registryMs');
      const container = await this.docker.createContainer({
        ...sandboxContainer(o, this.engineFacts(), spec, network, randomBytes(32).toString('hex')),
        ...this.within(),
      });
      lap('createMs');
      await container.start(this.within());
      lap('startMs');
      // The parent cgroup exists once the engine made the first sandbox in it; it is weighed
      // again at each start, a write of a few bytes, in case something reset it.
      await this.weighSandboxes();
      await this.waitReady(container, o.readyTimeoutSeconds * 1000);
      lap('readyMs');
      this.log.info('sandbox started', { sessionId: spec.sessionId, pooled: spec.pooled, ...phases });
      // The checker starts now, off the student's way: a start waits for its sandbox only; the
      // first check or step set-up waits for the checker if it is not there yet.
      this.ensureChecker(spec.sessionId).catch((error: unknown) =>
        this.log.warn('checker not started; the first check will try again', { sessionId: spec.sessionId, error }),
      );
      const info = await container.inspect(this.within());
      return {
        containerId: info.Id,
        sessionId: spec.sessionId,
        networkName: network,
        expiresAt: spec.expiresAt,
        pooled: spec.pooled,
        createdAt: new Date(info.Created),
        running: true,
      };
    } catch (error) {
      await this.remove(spec.sessionId).catch(() => {});
      throw error instanceof SandboxError
        ? error
        : new SandboxStartError(`sandbox did not start: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Resolves when the sandbox prints its ready line; fails if it exits or takes too long. */
  private async waitReady(container: Docker.Container, timeoutMs: number): Promise<void> {
    // The signal bounds the wait for the stream too; the timer below bounds what follows.
    const stream = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      ...this.within(timeoutMs),
    })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const out = new PassThrough();
    this.docker.modem.demuxStream(stream, out, out);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => finish(new SandboxStartError(`inner engine not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (error?: Error) => {
        clearTimeout(timer);
        stream.destroy();
        if (error) reject(error);
        else resolve();
      };
      out.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString('utf8')).slice(-4096);
        if (seen.includes(readyLine)) finish();
        else if (seen.includes('sandbox: dockerd exited')) {
          finish(new SandboxStartError(`inner dockerd stopped: ${seen.slice(-300)}`));
        }
      });
      stream.on('end', () => finish(new SandboxStartError(`sandbox exited while starting: ${seen.slice(-300)}`)));
      stream.on('error', (error: Error) => finish(error));
    });
  }

  async remove(sessionId: string): Promise<void> {
    this.addresses.delete(sessionId);
    // A checker being made is waited for, so that it is removed rather than left behind.
    const checker = this.checkers.get(sessionId);
    this.checkers.delete(sessionId);
    const removeSandbox = async () => {
      try {
        await this.docker
          .getContainer(sandboxName(sessionId))
          .remove({ force: true, v: true, ...this.within(3 * (this.options.engineCallTimeoutMs ?? 30_000)) });
      } catch (error) {
        if (!isNotFound(error)) this.log.warn('sandbox container not removed', { sessionId, error });
      }
    };
    // Both at once: the checker ends with the sandbox's processes anyway.
    const removeChecker = async () => {
      await checker?.catch(() => {});
      await this.removeChecker(sessionId);
    };
    await Promise.all([removeChecker(), removeSandbox()]);
    await this.removeNetwork(networkName(sessionId));
  }

  private async removeChecker(sessionId: string): Promise<void> {
    try {
      await this.docker.getContainer(checkerName(sessionId)).remove({ force: true, ...this.within() });
    } catch (error) {
      if (!isNotFound(error)) this.log.warn('checker container not removed', { sessionId, error });
    }
  }

  /** Makes sure the session's checker runs; a dead one (killed from the sandbox) is made again. */
  private ensureChecker(sessionId: string): Promise<void> {
    let ready = this.checkers.get(sessionId);
    if (!ready) {
      ready = this.startChecker(sessionId);
      this.checkers.set(sessionId, ready);
      ready.catch(() => this.checkers.delete(sessionId));
    }
    return ready;
  }

  private async startChecker(sessionId: string): Promise<void> {
    const o = this.options;
    const sandbox = sandboxName(sessionId);
    const existing = this.docker.getContainer(checkerName(sessionId));
    try {
      const info = await existing.inspect(this.within());
      if (info.State.Running) return;
      await existing.remove({ force: true, ...this.within() });
    } catch (error) {
      if (!isNotFound(error)) throw goneOr(error, sessionId);
    }
    let labelsOfSandbox: Record<string, string>;
    try {
      const info = await this.docker.getContainer(sandbox).inspect(this.within());
      if (!info.State.Running) throw new SandboxGoneError(sessionId);
      labelsOfSandbox = info.Config.Labels;
    } catch (error) {
      throw goneOr(error, sessionId);
    }
    try {
      const checker = await this.docker.createContainer({
        ...checkerContainer(o, this.engineFacts(), sessionId, labelsOfSandbox[labels.expires] ?? ''),
        ...this.within(),
      });
      await checker.start(this.within());
    } catch (error) {
      // Two starts of the same checker at once (a restarted server): the other one made it.
      if ((error as { statusCode?: number }).statusCode === 409 && /already in use/.test(String(error))) return;
      throw goneOr(error, sessionId);
    }
  }

  private async removeNetwork(name: string): Promise<void> {
    const network = this.docker.getNetwork(name);
    if (this.options.registryContainer) {
      await network
        .disconnect({ Container: this.options.registryContainer, Force: true, ...this.within() })
        .catch(() => {});
    }
    try {
      await network.remove(this.within());
    } catch (error) {
      if (!isNotFound(error)) this.log.warn('sandbox network not removed', { name, error });
    }
  }

  /**
   * One bound for every session's execs, so a class checking at once queues instead of drowning
   * the engine, shared fairly: a session holds at most its share of it (execsPerSession).
   */
  private readonly execLimit: FairLimit;
  /** Long-lived execs (streams, uploads): a few per session, outside the short execs' bound. */
  private readonly streamLimit: FairLimit;
  private readonly startLimit: LimitFunction;

  /** Execs and streams running and waiting, for the metrics. */
  get execCounts(): { execs: { running: number; waiting: number }; streams: { running: number; waiting: number } } {
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
    const container = this.docker.getContainer(sandboxName(sessionId));
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
        ...this.within(),
      });
      stream = await exec.start({ hijack: true, stdin: false, ...this.within() });
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
          const info = await exec.inspect(this.within());
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
          .inspect(this.within())
          .then((info) =>
            info.Running ? this.exec(sessionId, ['kill', '-KILL', '--', `-${group}`], { timeoutMs: 5000 }) : undefined,
          )
          .catch(() => {});
      },
    };
  }

  private async execNow(sessionId: string, command: string[], options: ExecOptions): Promise<ExecResult> {
    if (options.in !== 'checker') return this.execIn(sandboxName(sessionId), sessionId, command, options);
    await this.ensureChecker(sessionId);
    try {
      return await this.execIn(checkerName(sessionId), sessionId, command, options);
    } catch (error) {
      // The checker was stopped from the sandbox (its processes are visible there): made again.
      if (!(error instanceof SandboxGoneError)) throw error;
      this.checkers.delete(sessionId);
      await this.ensureChecker(sessionId);
      return this.execIn(checkerName(sessionId), sessionId, command, options);
    }
  }

  private async execIn(name: string, sessionId: string, command: string[], options: ExecOptions): Promise<ExecResult> {
    const container = this.docker.getContainer(name);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const maxBytes = options.maxOutputBytes ?? 1024 * 1024;
    const input = options.stdin;
    // A streamed input can be cut mid-way: the command is then killed, by the pid it reports.
    const streamed = input !== undefined && !Buffer.isBuffer(input);
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await container.exec({
        Cmd: [...(streamed ? reportPid : []), 'timeout', '-s', 'KILL', String(seconds), ...command],
        AttachStdin: input !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        User: 'root',
        WorkingDir: options.workdir ?? '/root',
        Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
        ...this.within(),
      });
      // Bounds the wait for the stream only: once upgraded, the request is done with.
      stream = await exec.start({ hijack: true, stdin: input !== undefined, ...this.within() });
    } catch (error) {
      throw goneOr(error, sessionId);
    }
    const collect = () => {
      const chunks: Buffer[] = [];
      let size = 0;
      const sink = new PassThrough();
      sink.on('data', (chunk: Buffer) => {
        if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
        size += chunk.length;
      });
      return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
    };
    const stdout = collect();
    const stderr = collect();
    this.docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
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
      const info = await exec.inspect(this.within());
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

  /**
   * Connects to the sandbox's terminal relay over TCP: no engine in the keystroke path. The
   * host reaches its containers' addresses; sandboxes cannot reach each other's (firewall).
   */
  async openTerminal(sessionId: string, cols: number, rows: number): Promise<TerminalProcess> {
    if (this.options.terminalTransport === 'exec') return this.openTerminalExec(sessionId, cols, rows);
    const target = await this.terminalAddress(sessionId);
    const deadline = Date.now() + relayRestartMs;
    let socket: Socket | undefined;
    for (let attempt = 0; !socket; attempt++) {
      try {
        socket = await connectTcp(target.address, terminalPort, 5000);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Never reached, and not refused: this machine cannot reach the sandbox's address at all
        // (a remote engine). Once reached, any failure is the relay going away, and passes.
        if (!target.reached && code !== 'ECONNREFUSED') {
          throw new SandboxTerminalError('unreachable', (error as Error).message, { cause: error });
        }
        if (Date.now() > deadline) {
          throw new SandboxTerminalError('silent', (error as Error).message, { cause: error });
        }
        // The relay was stopped (by the student, say): start it again, it is idempotent. Again
        // now and then, since a `pkill` still scanning may take the new one too.
        if (attempt % 20 === 0) {
          await this.exec(sessionId, ['sandbox-terminal-relay', '--daemon'], { timeoutMs: 5000 }).catch(() => {});
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    target.reached = true;
    const { secret } = target;
    const connection = socket;
    connection.setNoDelay(true);
    connection.write(secret);
    return dtachTerminal(connection, connection, cols, rows, () => connection.destroy());
  }

  /** The same relay on the exec's standard input and output, for engines on another machine. */
  private async openTerminalExec(sessionId: string, cols: number, rows: number): Promise<TerminalProcess> {
    const exec = await this.docker.getContainer(sandboxName(sessionId)).exec({
      Cmd: ['sandbox-terminal-relay', '--stdio'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      User: 'root',
      ...this.within(),
    });
    const stream = await exec.start({ hijack: true, stdin: true, ...this.within() });
    return dtachTerminal(demuxStdout(stream), stream, cols, rows, () => stream.destroy());
  }

  /** The sandbox's address on its own network, and its relay's secret. */
  async address(sessionId: string): Promise<string | undefined> {
    // Over exec (a remote engine), the sandbox's network is not this machine's to reach.
    if (this.options.terminalTransport === 'exec') return undefined;
    return (await this.terminalAddress(sessionId)).address;
  }

  private async terminalAddress(sessionId: string): Promise<RelayAddress> {
    const cached = this.addresses.get(sessionId);
    if (cached) return cached;
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(sandboxName(sessionId)).inspect(this.within());
    } catch (error) {
      if (isNotFound(error)) throw new SandboxGoneError(sessionId, { cause: error });
      throw error;
    }
    const address = info.NetworkSettings.Networks[networkName(sessionId)]?.IPAddress;
    if (!address) throw new SandboxTerminalError('no-address', `no address on ${networkName(sessionId)}`);
    const secret = (info.Config.Env ?? []).find((e) => e.startsWith('SANDBOX_RELAY_SECRET='))?.slice(21) ?? '';
    const found = { address, secret, reached: false };
    this.addresses.set(sessionId, found);
    return found;
  }

  async list(): Promise<Sandbox[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: {
        label: [`${labels.managed}=true`, `${labels.role}=sandbox`, `${labels.instance}=${this.options.instance}`],
      },
      ...this.within(),
    });
    return containers.map(toSandbox);
  }

  async removeOrphans(starting: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    const mine = [`${labels.managed}=true`, `${labels.instance}=${this.options.instance}`];
    // Networks and volumes first, containers after: a sandbox whose start ends in between is
    // then seen live. `starting` is read at each removal, since starts go on meanwhile.
    const networks = await this.docker.listNetworks({ filters: { label: mine }, ...this.within() });
    const { Volumes: volumes } = await this.docker.listVolumes({ filters: { label: mine }, ...this.within() });
    const live = new Set((await this.list()).map((s) => s.sessionId));
    const orphan = (session: string | undefined): session is string =>
      session !== undefined && !live.has(session) && !starting.has(session);
    for (const network of networks) {
      if (orphan(network.Labels?.[labels.session])) {
        await this.removeNetwork(network.Name);
        removed++;
      }
    }
    const checkers = await this.docker.listContainers({
      all: true,
      filters: { label: [...mine, `${labels.role}=checker`] },
      ...this.within(),
    });
    for (const checker of checkers) {
      const session = checker.Labels[labels.session];
      if (orphan(session)) {
        await this.removeChecker(session);
        removed++;
      }
    }
    for (const volume of volumes ?? []) {
      if (orphan(volume.Labels?.[labels.session])) {
        await this.docker
          .getVolume(volume.Name)
          .remove(this.within())
          .catch(() => {});
        removed++;
      }
    }
    return removed;
  }
}

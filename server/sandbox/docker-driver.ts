// The sandbox driver on one Docker engine (dockerode): one container per session running its
// own dockerd, on a network of its own that only the course registry shares. It composes the
// engine's calls and facts, the networks, the checkers, exec and the terminal transport.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../log/log.ts';
import { waitForBoot } from './boot-wait.ts';
import { CheckerContainers } from './checker-containers.ts';
import { sandboxContainer, sandboxName, type ContainerSettings, type EngineFacts } from './container-spec.ts';
import {
  asStartError,
  labels,
  SandboxError,
  SandboxStartError,
  type ExecOptions,
  type ExecResult,
  type ExecStream,
  type Sandbox,
  type EngineDriver,
  type SandboxSpec,
  type TerminalProcess,
  type SandboxCapacity,
} from './driver.ts';
import { EngineCalls, isNotFound } from './engine-calls.ts';
import { probeEngine, SandboxWeight, unprobedEngine, type IsolationMode } from './engine-facts.ts';
import { EngineHealth } from './engine-health.ts';
import { SandboxExec, type ExecBounds } from './exec.ts';
import { networkName, SandboxNetworks, type NetworkSettings } from './networks.ts';
import { instanceLabels, listOwned, removeOwned } from './orphans.ts';
import { TerminalLinks } from './terminal-links.ts';
import { TerminalTransport, type TerminalMode } from './terminal-transport.ts';

export type { IsolationMode } from './engine-facts.ts';

export interface DockerDriverOptions extends ContainerSettings, NetworkSettings, ExecBounds {
  /** Seconds to wait for a new sandbox's engine. */
  readyTimeoutSeconds: number;
  /** Most sandboxes starting at once; more wait their turn. */
  maxConcurrentStarts?: number;
  /**
   * How the shell is reached: the relay dials a unix socket in `terminalDir`, the server dials
   * the sandbox's address over TCP, or `docker exec` (remote engines).
   */
  terminalTransport: TerminalMode;
  /** The folder of the relays' sockets (mode `unix`); the engine must see it at the same path. */
  terminalDir?: string;
  /** Deadline of engine calls that answer at once; 30 s by default (removals get three times it). */
  engineCallTimeoutMs?: number;
  /** SANDBOX_ISOLATION: whether the sandbox's root is the host's (see resolveIsolation). */
  isolation?: 'auto' | 'userns' | 'none';
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

/** Where a start's time goes, in the log: the engine's objects, then the inner engine's boot. */
function phaseClock(): { lap: (phase: string) => void; phases: Record<string, number> } {
  const phases: Record<string, number> = {};
  let mark = performance.now();
  return {
    phases,
    lap: (phase) => {
      const now = performance.now();
      phases[phase] = Math.round(now - mark);
      mark = now;
    },
  };
}

export class DockerSandboxDriver implements EngineDriver {
  private readonly options: DockerDriverOptions;
  private readonly log: Logger;
  private readonly calls: EngineCalls;
  private readonly health: EngineHealth;
  private readonly networks: SandboxNetworks;
  private readonly checkers: CheckerContainers;
  private readonly execs: SandboxExec;
  private readonly terminals: TerminalTransport;
  private readonly links: TerminalLinks | undefined;
  private readonly weight: SandboxWeight;
  private readonly startLimit: LimitFunction;
  /** What the engine said of itself at start (resolveIsolation); defaults until then. */
  private engine = unprobedEngine;

  constructor(options: DockerDriverOptions, log: Logger, docker: Docker = new Docker()) {
    this.options = options;
    this.log = log;
    this.calls = new EngineCalls(docker, options.engineCallTimeoutMs ?? 30_000);
    this.health = new EngineHealth(this.calls);
    this.networks = new SandboxNetworks(this.calls, options, log);
    this.checkers = new CheckerContainers(this.calls, options, () => this.engine.facts, log);
    this.execs = new SandboxExec(this.calls, this.checkers, options);
    if (options.terminalTransport === 'unix') {
      if (!options.terminalDir) throw new Error('the unix terminal transport needs terminalDir');
      this.links = new TerminalLinks(options.terminalDir);
    }
    this.terminals = new TerminalTransport(
      this.calls,
      options.terminalTransport,
      (id, command, o) => this.exec(id, command, o),
      this.links,
    );
    this.weight = new SandboxWeight(options.cpuWeight, log);
    this.startLimit = pLimit(options.maxConcurrentStarts ?? Math.max(2, 2 * availableParallelism()));
  }

  get docker(): Docker {
    return this.calls.docker;
  }

  /** The mode sandboxes are created in; `none` until resolveIsolation() says otherwise. */
  get isolation(): IsolationMode {
    return this.engine.facts.isolation;
  }

  /** Answers within 2 s whatever the engine does: a slow or absent engine reads as unavailable. */
  engineAvailable(): Promise<boolean> {
    return this.health.available();
  }

  /** The engine's cores (its machine's, wherever it runs); unless set, the starts at once follow them. */
  async capacity(): Promise<SandboxCapacity> {
    // dockerode's types omit info()'s options, which it does pass on (a deadline).
    const docker = this.calls.docker as unknown as {
      info(o: { abortSignal: AbortSignal }): Promise<{ NCPU?: number }>;
    };
    const info = await docker.info(this.calls.within());
    const cpus = info.NCPU ?? availableParallelism();
    if (this.options.maxConcurrentStarts === undefined) this.startLimit.concurrency = Math.max(2, 2 * cpus);
    return { cpus, nodes: 1 };
  }

  /** For liveness probes: the engine's last known state at once, refreshed in the background. */
  engineStatus(): Promise<boolean> {
    return this.health.status();
  }

  /** Settles the isolation mode with the engine, once at start (see probeEngine). */
  async resolveIsolation(): Promise<IsolationMode> {
    this.engine = await probeEngine(this.calls, this.options.isolation ?? 'auto', this.options.privileged);
    return this.engine.facts.isolation;
  }

  private engineFacts(): EngineFacts {
    return this.engine.facts;
  }

  /** Execs and streams running and waiting, for the metrics. */
  get execCounts(): SandboxExec['counts'] {
    return this.execs.counts;
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
    const { lap, phases } = phaseClock();
    let network: string;
    try {
      network = await this.networks.create(spec);
      lap('networkMs');
    } catch (error) {
      throw error instanceof SandboxError
        ? error
        : new SandboxStartError(`sandbox network not created: ${(error as Error).message}`, { cause: error });
    }
    try {
      await this.networks.joinRegistry(network);
      lap('registryMs');
      const secret = randomBytes(32).toString('hex');
      // Listening before the sandbox starts: its relay dials as soon as it runs.
      await this.links?.listen(spec.sessionId, secret);
      const container = await this.docker.createContainer({
        ...sandboxContainer(
          this.options,
          this.engineFacts(),
          spec,
          network,
          secret,
          this.links?.socketPath(spec.sessionId),
        ),
        ...this.calls.within(),
      });
      lap('createMs');
      await container.start(this.calls.within());
      lap('startMs');
      // The parent cgroup exists once the engine made the first sandbox in it; it is weighed
      // again at each start, a write of a few bytes, in case something reset it.
      await this.weight.apply(this.engine.cgroups);
      await waitForBoot(this.calls, container, this.options.readyTimeoutSeconds * 1000);
      lap('readyMs');
      this.log.info('sandbox started', { sessionId: spec.sessionId, pooled: spec.pooled, ...phases });
      // The checker starts now, off the student's way: a start waits for its sandbox only; the
      // first check or step set-up waits for the checker if it is not there yet.
      this.checkers
        .ensure(spec.sessionId)
        .catch((error: unknown) =>
          this.log.warn('checker not started; the first check will try again', { sessionId: spec.sessionId, error }),
        );
      const info = await container.inspect(this.calls.within());
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
      throw asStartError(error);
    }
  }

  async remove(sessionId: string): Promise<void> {
    const removeSandbox = async () => {
      try {
        await this.docker
          .getContainer(sandboxName(sessionId))
          .remove({ force: true, v: true, ...this.calls.within(3 * this.calls.callTimeoutMs) });
      } catch (error) {
        if (!isNotFound(error)) this.log.warn('sandbox container not removed', { sessionId, error });
      }
    };
    // Both at once: the checker ends with the sandbox's processes anyway.
    await Promise.all([this.checkers.remove(sessionId), removeSandbox()]);
    await this.terminals
      .forget(sessionId)
      .catch((error: unknown) => this.log.warn('terminal socket not removed', { sessionId, error }));
    await this.networks.remove(networkName(sessionId));
  }

  exec(sessionId: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.execs.exec(sessionId, command, options);
  }

  execStream(sessionId: string, command: string[], options: { timeoutMs: number }): Promise<ExecStream> {
    return this.execs.execStream(sessionId, command, options);
  }

  openTerminal(sessionId: string, cols: number, rows: number): Promise<TerminalProcess> {
    return this.terminals.open(sessionId, cols, rows);
  }

  openPort(sessionId: string, port: number): Promise<Duplex> {
    return this.execs.openPort(sessionId, port);
  }

  /** The sandbox's address on its own network (none when the engine is on another machine). */
  address(sessionId: string): Promise<string | undefined> {
    return this.terminals.address(sessionId);
  }

  async list(): Promise<Sandbox[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: {
        label: [`${labels.managed}=true`, `${labels.role}=sandbox`, `${labels.instance}=${this.options.instance}`],
      },
      ...this.calls.within(),
    });
    return containers.map(toSandbox);
  }

  async removeOrphans(starting: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    // Networks, checkers and volumes first, sandboxes after: a sandbox whose start ends in
    // between is then seen live. `starting` is read at each removal, since starts go on meanwhile.
    const networks = await this.docker.listNetworks({
      filters: { label: instanceLabels(this.options.instance) },
      ...this.calls.within(),
    });
    const owned = await listOwned(this.calls, this.options.instance);
    const live = new Set((await this.list()).map((s) => s.sessionId));
    const orphan = (session: string | undefined): session is string =>
      session !== undefined && !live.has(session) && !starting.has(session);
    for (const network of networks) {
      if (orphan(network.Labels?.[labels.session])) {
        await this.networks.remove(network.Name);
        removed++;
      }
    }
    removed += (await this.links?.sweep((session) => !orphan(session))) ?? 0;
    return removed + (await removeOwned(this.calls, this.checkers, owned, orphan));
  }
}

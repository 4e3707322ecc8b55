// The sandbox driver on a Docker Swarm cluster (SANDBOX_DRIVER=swarm): each session's sandbox is
// a one-task service (service-spec.ts) on an internal overlay network of its own, placed by
// Swarm on a node labelled for sandboxes. The manager creates and removes; everything that
// works inside a sandbox (shell, checks, files, layers) goes to its node's engine (node-engines.ts).
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../../log/log.ts';
import { waitForBoot } from '../boot-wait.ts';
import { sandboxName, type ContainerSettings, type EngineFacts } from '../container-spec.ts';
import {
  asStartError,
  ClusterError,
  labels,
  NodeUnreachableError,
  SandboxError,
  SandboxGoneError,
  SandboxStartError,
  type EngineDriver,
  type ExecOptions,
  type ExecResult,
  type ExecStream,
  type Sandbox,
  type SandboxSpec,
  type TerminalProcess,
  type SandboxCapacity,
} from '../driver.ts';
import { EngineCalls, isNotFound } from '../engine-calls.ts';
import { probeEngine, unprobedEngine, type IsolationMode } from '../engine-facts.ts';
import { EngineHealth } from '../engine-health.ts';
import type { ExecBounds } from '../exec.ts';
import { networkName } from '../networks.ts';
import { instanceLabels, listOwned, removeOwned } from '../orphans.ts';
import { NodeEngines, type NodeAccess, type NodeEngine } from './node-engines.ts';
import { NodePreparation, type MirrorSettings } from './node-preparation.ts';
import { engineVolumeName, sandboxService } from './service-spec.ts';

export interface SwarmDriverOptions extends ContainerSettings, ExecBounds {
  /** Seconds to wait for a new sandbox: its task placed and started, then its inner engine. */
  readyTimeoutSeconds: number;
  maxConcurrentStarts?: number;
  engineCallTimeoutMs?: number;
  /** How the server reaches each node's engine. */
  nodes: NodeAccess;
  /** MTU of the sandboxes' overlay networks (VXLAN takes 50 bytes of the nodes' own). */
  overlayMtu: number;
  isolation?: 'auto' | 'userns' | 'none';
  /** Where the images and the course registry's data come from, and the mirror's names on nodes. */
  mirror: MirrorSettings;
}

/**
 * The sandbox nodes' one way of running sandboxes. They must all agree, or sandboxes would differ
 * by where they land. And Swarm has no user namespace per service: on nodes that remap, every
 * sandbox is remapped, so `none` cannot be honoured there, and is refused rather than reported
 * as done.
 */
export function clusterEngine<T extends { facts: EngineFacts }>(
  probed: T[],
  asked: 'auto' | 'userns' | 'none',
): T | typeof unprobedEngine {
  const modes = new Set(
    probed.map((p) => {
      const root = p.facts.remappedRoot;
      return `${p.facts.isolation}/${p.facts.remapsUsers}${root ? ` ${root.uid}.${root.gid}` : ''}/${p.facts.cgroupDriver}`;
    }),
  );
  if (modes.size > 1) throw new ClusterError('nodes-differ', [...modes].join(', '));
  const first = probed[0];
  if (first?.facts.remapsUsers && asked === 'none') throw new ClusterError('remap-forced', 'SANDBOX_ISOLATION=none');
  return first ?? unprobedEngine;
}

/** Where a session's sandbox runs: its node and its task's container there. */
interface Placement {
  nodeId: string;
  containerId: string;
}

interface Task {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Status: { State: string; Err?: string; Message?: string; ContainerStatus?: { ContainerID?: string } };
}

interface Service {
  ID: string;
  Spec: { Name: string; Labels?: Record<string, string> };
  CreatedAt?: string;
}

/** Task states past which a task never runs (Swarm's own list). */
/** Addresses never sent to the proxy: the student's own containers and networks. */
const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

const endedStates = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

/** A failure to reach an engine at all (not a refusal of the engine's). */
function unreachable(error: unknown): boolean {
  const e = error as { code?: string; name?: string } | null;
  return (
    ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE'].includes(e?.code ?? '') ||
    e?.name === 'AbortError' ||
    e?.name === 'TimeoutError'
  );
}

export class SwarmSandboxDriver implements EngineDriver {
  private readonly options: SwarmDriverOptions;
  private readonly log: Logger;
  private readonly manager: EngineCalls;
  private readonly health: EngineHealth;
  private readonly nodes: NodeEngines;
  private readonly startLimit: LimitFunction;
  private readonly placements = new Map<string, Placement>();
  /** Per session: its proxy's address, once known. */
  private readonly proxies = new Map<string, string>();
  private readonly preparation: NodePreparation;
  private engine = unprobedEngine;

  constructor(options: SwarmDriverOptions, log: Logger, manager: Docker = new Docker()) {
    // Weighing sandboxes against the server is a single host's matter: the server is not on the
    // nodes. Each node's mirror is the course registry for the sandboxes there.
    this.options = {
      ...options,
      cpuWeight: undefined,
      registryContainer: options.mirror.mirrorContainer,
      registryAlias: options.mirror.registryAlias,
    };
    this.preparation = new NodePreparation(options.mirror, log);
    this.log = log;
    this.manager = new EngineCalls(manager, options.engineCallTimeoutMs ?? 30_000);
    this.health = new EngineHealth(this.manager);
    this.nodes = new NodeEngines(
      this.manager,
      options.nodes,
      {
        settings: this.options,
        facts: () => this.engine.facts,
        bounds: options,
        locate: (sessionId) => this.placements.get(sessionId)?.containerId ?? sandboxName(sessionId),
      },
      log,
    );
    this.startLimit = pLimit(options.maxConcurrentStarts ?? Math.max(2, 2 * availableParallelism()));
  }

  engineAvailable(): Promise<boolean> {
    return this.health.available();
  }

  engineStatus(): Promise<boolean> {
    return this.health.status();
  }

  /**
   * Settles the isolation mode with the sandbox nodes: user remapping is set per node, before
   * it joins, so every sandbox node must agree, or sandboxes would differ by where they land.
   */
  async resolveIsolation(): Promise<IsolationMode> {
    const nodes = await this.nodes.sandboxNodes();
    if (!nodes.some((n) => n.Spec?.Availability === 'active')) {
      throw new ClusterError('no-nodes', 'no ready, active node labelled for sandboxes');
    }
    const probed = await Promise.all(
      nodes.map(async (node) =>
        probeEngine((await this.nodes.of(node.ID)).calls, this.options.isolation ?? 'auto', this.options.privileged),
      ),
    );
    this.engine = clusterEngine(probed, this.options.isolation ?? 'auto');
    // Every node gets the images and the registry's mirror now, before a sandbox may land there.
    await Promise.all(
      nodes.map(async (node) => {
        try {
          await this.preparation.ensure(node.ID, (await this.nodes.of(node.ID)).calls);
        } catch (error) {
          throw new ClusterError('not-prepared', `${node.ID}: ${(error as Error).message}`, { cause: error });
        }
      }),
    );
    return this.engine.facts.isolation;
  }

  get isolation(): IsolationMode {
    return this.engine.facts.isolation;
  }

  create(spec: SandboxSpec): Promise<Sandbox> {
    return this.startLimit(() => this.createNow(spec));
  }

  private async createNow(spec: SandboxSpec): Promise<Sandbox> {
    const started = performance.now();
    const deadline = Date.now() + this.options.readyTimeoutSeconds * 1000;
    const network = networkName(spec.sessionId);
    try {
      await this.manager.docker.createNetwork({
        Name: network,
        Driver: 'overlay',
        // No way out of the overlay: not to the nodes' engines, not to another sandbox, not outside.
        Internal: true,
        Attachable: true,
        CheckDuplicate: true,
        Options: { 'com.docker.network.driver.mtu': String(this.options.overlayMtu) },
        Labels: {
          [labels.managed]: 'true',
          [labels.session]: spec.sessionId,
          [labels.instance]: this.options.instance,
        },
        ...this.manager.within(),
      });
      const service = sandboxService(this.options, spec, network, randomBytes(32).toString('hex'), this.engine.facts);
      const template = service.TaskTemplate as { ContainerSpec: { Env: string[] } };
      template.ContainerSpec.Env.push(`SANDBOX_MTU=${this.options.overlayMtu}`);
      await this.manager.docker.createService({ ...service, ...this.manager.within() });
      const placed = await this.waitForTask(spec.sessionId, deadline);
      this.placements.set(spec.sessionId, placed);
      const node = await this.nodes.of(placed.nodeId);
      // The node's mirror joins the sandbox's overlay: the course registry, and nothing else, there.
      await this.preparation.ensure(placed.nodeId, node.calls);
      const proxy = await this.preparation.join(node.calls, network);
      if (proxy) await this.useProxy(node, spec.sessionId, proxy);
      const placedMs = Math.round(performance.now() - started);
      await waitForBoot(node.calls, node.calls.sandbox(spec.sessionId), Math.max(1000, deadline - Date.now()));
      this.log.info('sandbox started', {
        sessionId: spec.sessionId,
        pooled: spec.pooled,
        node: placed.nodeId,
        placedMs,
        readyMs: Math.round(performance.now() - started) - placedMs,
      });
      node.checkers
        .ensure(spec.sessionId)
        .catch((error: unknown) =>
          this.log.warn('checker not started; the first check will try again', { sessionId: spec.sessionId, error }),
        );
      return {
        containerId: placed.containerId,
        sessionId: spec.sessionId,
        networkName: network,
        expiresAt: spec.expiresAt,
        pooled: spec.pooled,
        createdAt: new Date(),
        running: true,
      };
    } catch (error) {
      await this.remove(spec.sessionId).catch(() => {});
      throw asStartError(error);
    }
  }

  /**
   * The way out of an overlay is the node's proxy (node-preparation.ts): the student's Docker
   * CLI hands it to every build and container (its `proxies` setting), the course registry and
   * private addresses excepted. Their own choice to remove it: then nothing goes out.
   */
  private async useProxy(node: NodeEngine, sessionId: string, proxy: string): Promise<void> {
    this.proxies.set(sessionId, proxy);
    const config = { proxies: { default: { httpProxy: proxy, httpsProxy: proxy, noProxy: this.noProxy() } } };
    const result = await node.execs.exec(
      sessionId,
      ['sh', '-c', 'mkdir -p /root/.docker && cat > /root/.docker/config.json'],
      { stdin: Buffer.from(JSON.stringify(config, null, 2) + '\n'), timeoutMs: 15_000 },
    );
    if (result.exitCode !== 0) throw new SandboxError(`proxy not configured: ${result.stderr.slice(0, 200)}`);
  }

  /** What never goes through the proxy: the sandbox itself, the course registry, private addresses. */
  private noProxy(): string {
    return ['localhost', '127.0.0.0/8', '::1', this.options.registryAlias, ...privateRanges].join(',');
  }

  /** The service's task, once Swarm placed and started it; its error if it never will. */
  private async waitForTask(sessionId: string, deadline: number): Promise<Placement> {
    const name = sandboxName(sessionId);
    let last = 'not placed yet';
    for (;;) {
      const tasks = (await this.manager.docker.listTasks({
        filters: { service: [name] },
        ...this.manager.within(),
      })) as Task[];
      for (const task of tasks) {
        const containerId = task.Status.ContainerStatus?.ContainerID;
        if (task.Status.State === 'running' && task.NodeID && containerId) return { nodeId: task.NodeID, containerId };
        if (endedStates.has(task.Status.State)) {
          throw new SandboxStartError(
            `sandbox task ${task.Status.State}: ${task.Status.Err ?? task.Status.Message ?? ''}`,
          );
        }
        last = `${task.Status.State}${task.Status.Err ? `: ${task.Status.Err}` : ''}`;
      }
      if (Date.now() > deadline) throw new SandboxStartError(`sandbox task not running in time (${last})`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** The engine of the node a session's sandbox runs on (asked of the manager after a restart). */
  private async nodeOf(sessionId: string): Promise<NodeEngine> {
    let placed = this.placements.get(sessionId);
    if (!placed) {
      const tasks = (await this.manager.docker.listTasks({
        filters: { service: [sandboxName(sessionId)], 'desired-state': ['running'] },
        ...this.manager.within(),
      })) as Task[];
      const task = tasks.find((t) => t.Status.State === 'running' && t.NodeID && t.Status.ContainerStatus?.ContainerID);
      if (!task?.NodeID || !task.Status.ContainerStatus?.ContainerID) throw new SandboxGoneError(sessionId);
      placed = { nodeId: task.NodeID, containerId: task.Status.ContainerStatus.ContainerID };
      this.placements.set(sessionId, placed);
    }
    return this.nodes.of(placed.nodeId);
  }

  /**
   * Removes the service (Swarm stops its task), the checker and the engine's volume on the
   * node, then the overlay once no task holds it. No error if already gone.
   */
  async remove(sessionId: string): Promise<void> {
    const placed = this.placements.get(sessionId);
    // A node that is down is not waited for: what it holds is removed as orphans once it is back.
    const up = placed ? await this.nodes.isUp(placed.nodeId) : false;
    const node = placed && up ? await this.nodes.of(placed.nodeId).catch(() => undefined) : undefined;
    void node?.terminals.forget(sessionId);
    const removeService = async () => {
      try {
        await this.manager.docker.getService(sandboxName(sessionId)).remove(this.manager.within());
      } catch (error) {
        if (!isNotFound(error)) this.log.warn('sandbox service not removed', { sessionId, error });
      }
    };
    await Promise.all([removeService(), node?.checkers.remove(sessionId)]);
    if (node && placed) {
      await this.onNode(node, placed.containerId, sessionId);
      await this.preparation.leave(node.calls, networkName(sessionId));
    }
    this.placements.delete(sessionId);
    this.proxies.delete(sessionId);
    // A task on a lost node holds its overlay until the manager forgets it: the overlay is then
    // left to the orphans' pass, and the session ends now.
    await this.removeNetwork(sessionId, placed === undefined || up);
  }

  /** The task's container gone from its node (Swarm's agent removes it), then the engine's volume. */
  private async onNode(node: NodeEngine, containerId: string, sessionId: string): Promise<void> {
    const deadline = Date.now() + 3 * this.manager.callTimeoutMs;
    for (;;) {
      try {
        await node.calls.docker.getContainer(containerId).inspect(node.calls.within());
      } catch (error) {
        if (isNotFound(error)) break;
      }
      if (Date.now() > deadline) {
        await node.calls.docker
          .getContainer(containerId)
          .remove({ force: true, v: true, ...node.calls.within() })
          .catch(() => {});
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await node.calls.docker
      .getVolume(engineVolumeName(sessionId))
      .remove(node.calls.within())
      .catch((error: unknown) => {
        if (!isNotFound(error)) this.log.warn('sandbox engine volume not removed', { sessionId, error });
      });
  }

  /**
   * The overlay goes once its last task left it; the manager may take a moment to see so, and
   * is given it when `wait` (else one try: the next orphans' pass tries again).
   */
  private async removeNetwork(sessionId: string, wait: boolean): Promise<boolean> {
    const deadline = Date.now() + (wait ? 3 * this.manager.callTimeoutMs : 0);
    for (;;) {
      try {
        await this.manager.docker.getNetwork(networkName(sessionId)).remove(this.manager.within());
        return true;
      } catch (error) {
        if (isNotFound(error)) return true;
        if (Date.now() >= deadline) {
          if (wait) this.log.warn('sandbox network not removed', { sessionId, error });
          return false;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /**
   * Works on the node of the session's sandbox. A failure that is not the driver's own (the
   * node's engine unreachable) is the sandbox gone when the manager sees its node down.
   */
  private async onItsNode<T>(sessionId: string, work: (node: NodeEngine) => Promise<T>): Promise<T> {
    const node = await this.nodeOf(sessionId);
    try {
      return await work(node);
    } catch (error) {
      if (error instanceof SandboxError) throw error;
      if (!(await this.nodes.isUp(node.id))) throw new SandboxGoneError(sessionId, { cause: error });
      if (unreachable(error)) {
        throw new NodeUnreachableError(`node ${node.id} (${node.address}): ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  exec(sessionId: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.onItsNode(sessionId, async (node) => {
      if (options.in !== 'checker') return node.execs.exec(sessionId, command, options);
      // A check's own builds (the lint step's verification build) go out as the student's do.
      const proxy = await this.proxyOf(sessionId, node);
      const env: Record<string, string> = proxy ? { SANDBOX_HTTP_PROXY: proxy, SANDBOX_NO_PROXY: this.noProxy() } : {};
      return node.execs.exec(sessionId, command, { ...options, env: { ...options.env, ...env } });
    });
  }

  /** The session's proxy address (its node's mirror on its overlay), kept once found. */
  private async proxyOf(sessionId: string, node: NodeEngine): Promise<string | undefined> {
    const known = this.proxies.get(sessionId);
    if (known) return known;
    // Not found (a node slow to answer, a mirror being made again): asked again next time.
    const proxy = await this.preparation.proxy(node.calls, networkName(sessionId)).catch(() => undefined);
    if (proxy) this.proxies.set(sessionId, proxy);
    return proxy;
  }

  execStream(sessionId: string, command: string[], options: { timeoutMs: number }): Promise<ExecStream> {
    return this.onItsNode(sessionId, (node) => node.execs.execStream(sessionId, command, options));
  }

  openTerminal(sessionId: string, cols: number, rows: number): Promise<TerminalProcess> {
    return this.onItsNode(sessionId, (node) => node.terminals.open(sessionId, cols, rows));
  }

  /** The overlay is not this machine's to reach: the web preview goes through openPort(). */
  address(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  openPort(sessionId: string, port: number): Promise<Duplex> {
    return this.onItsNode(sessionId, (node) => node.execs.openPort(sessionId, port));
  }

  /**
   * The cores of the nodes that take new sandboxes now (labelled, ready, active). Unless the
   * starts at once were set, they follow it: 2 per core of the cluster, as on one host.
   */
  async capacity(): Promise<SandboxCapacity> {
    const nodes = (await this.nodes.sandboxNodes()).filter((n) => (n.Spec?.Availability ?? 'active') === 'active');
    const cpus = nodes.reduce((sum, n) => sum + (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9, 0);
    if (this.options.maxConcurrentStarts === undefined) this.startLimit.concurrency = Math.max(2, Math.ceil(2 * cpus));
    return { cpus, nodes: nodes.length };
  }

  /** This instance's sandbox services, running when their task runs. */
  async list(): Promise<Sandbox[]> {
    const services = (await this.manager.docker.listServices({
      filters: {
        label: [`${labels.managed}=true`, `${labels.role}=sandbox`, `${labels.instance}=${this.options.instance}`],
      },
      ...this.manager.within(),
    })) as Service[];
    if (services.length === 0) return [];
    const tasks = (await this.manager.docker.listTasks({
      filters: { 'desired-state': ['running'] },
      ...this.manager.within(),
    })) as Task[];
    // A task on a node the manager sees down is lost with its node, whatever its last state.
    const up = new Set((await this.nodes.all()).filter((n) => n.Status?.State === 'ready').map((n) => n.ID));
    return services.map((service) => {
      const l = service.Spec.Labels ?? {};
      const sessionId = l[labels.session] ?? '';
      const task = tasks.find(
        (t) => t.ServiceID === service.ID && t.Status.State === 'running' && t.NodeID !== undefined && up.has(t.NodeID),
      );
      const containerId = task?.Status.ContainerStatus?.ContainerID ?? '';
      if (task?.NodeID && containerId) this.placements.set(sessionId, { nodeId: task.NodeID, containerId });
      return {
        containerId,
        sessionId,
        networkName: networkName(sessionId),
        expiresAt: new Date(l[labels.expires] ?? 0),
        pooled: l[labels.pooled] === 'true',
        createdAt: new Date(service.CreatedAt ?? 0),
        running: task !== undefined,
      };
    });
  }

  /**
   * A mirror made again (new images or registry content at a server's start, a node back) is on
   * no overlay yet: it joins those of the node's live sandboxes again, and their students' Docker
   * is given its new proxy address there.
   */
  private async rejoinMirror(
    nodeId: string,
    node: NodeEngine,
    live: ReadonlySet<string>,
    starting: ReadonlySet<string>,
  ): Promise<void> {
    const joined = await this.preparation.overlays(node.calls);
    for (const sessionId of live) {
      // A sandbox still starting is joined by its own start.
      if (starting.has(sessionId)) continue;
      const network = networkName(sessionId);
      if (this.placements.get(sessionId)?.nodeId !== nodeId || joined.has(network)) continue;
      try {
        const proxy = await this.preparation.join(node.calls, network);
        if (proxy) await this.useProxy(node, sessionId, proxy);
        this.log.info('registry mirror joined a running sandbox again', { sessionId, node: nodeId });
      } catch (error) {
        this.log.warn('registry mirror not joined to a running sandbox', { sessionId, node: nodeId, error });
      }
    }
  }

  /** Overlays of the manager, checkers and engine volumes of every node, that no live sandbox owns. */
  async removeOrphans(starting: ReadonlySet<string>): Promise<number> {
    const mine = instanceLabels(this.options.instance);
    // Everything listed first, the live sandboxes after (see orphans.ts).
    const networks = await this.manager.docker.listNetworks({ filters: { label: mine }, ...this.manager.within() });
    // Each node on its own: one that stopped answering costs its own deadline, not the others'.
    const nodes = await Promise.all(
      (await this.nodes.sandboxNodes()).map(async (info) => {
        try {
          const node = await this.nodes.of(info.ID);
          return { info, node, owned: await listOwned(node.calls, this.options.instance) };
        } catch (error) {
          this.log.warn('swarm node not cleaned', { node: info.ID, error });
          this.preparation.forget(info.ID);
          return undefined;
        }
      }),
    );
    const live = new Set((await this.list()).map((s) => s.sessionId));
    const orphan = (session: string | undefined): session is string =>
      session !== undefined && !live.has(session) && !starting.has(session);
    let removed = 0;
    for (const network of networks) {
      const session = network.Labels?.[labels.session];
      if (orphan(session) && (await this.removeNetwork(session, false))) removed++;
    }
    const counts = await Promise.all(
      nodes.map(async (found) => {
        if (!found) return 0;
        const count = await removeOwned(found.node.calls, found.node.checkers, found.owned, orphan);
        // A node that joined (or came back) since the start gets what sandboxes need there.
        await this.preparation
          .ensure(found.info.ID, found.node.calls)
          .then(() => this.rejoinMirror(found.info.ID, found.node, live, starting))
          .catch((error: unknown) => this.log.warn('swarm node not prepared', { node: found.info.ID, error }));
        return count;
      }),
    );
    return removed + counts.reduce((a, b) => a + b, 0);
  }
}

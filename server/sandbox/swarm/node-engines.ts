// The engines of a swarm's nodes, each reached on its own: a manager cannot exec into a task on
// another node (swarmkit#1895), so the shell, checks, files and layers of a sandbox go to the
// engine of the node its task runs on, over TLS (plain TCP only for a private test network).
// Each node gets the Docker driver's own parts: checkers, fair execs, the terminal over exec.
import Docker from 'dockerode';
import type { Logger } from '../../log/log.ts';
import { CheckerContainers } from '../checker-containers.ts';
import type { ContainerSettings, EngineFacts } from '../container-spec.ts';
import { SandboxError } from '../driver.ts';
import { EngineCalls } from '../engine-calls.ts';
import { SandboxExec, type ExecBounds } from '../exec.ts';
import { TerminalTransport } from '../terminal-transport.ts';
import { sandboxNodeLabel } from './service-spec.ts';

/** How the server reaches each node's engine. */
export interface NodeAccess {
  /** The port every node's engine listens on (2376 with TLS, by convention). */
  port: number;
  /** Client certificate, key and the CA that signed the nodes' certificates (PEM); none: plain TCP. */
  tls?: { ca: string; cert: string; key: string };
}

export interface NodeEngine {
  id: string;
  address: string;
  calls: EngineCalls;
  checkers: CheckerContainers;
  execs: SandboxExec;
  terminals: TerminalTransport;
}

/** A node as the manager lists it (the fields read here). */
export interface SwarmNodeInfo {
  ID: string;
  Spec?: { Labels?: Record<string, string>; Availability?: string };
  Description?: { Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Addr?: string };
}

/** The node's address as its engine is reached: its status address, else its manager address. */
export function nodeAddress(node: SwarmNodeInfo): string | undefined {
  const status = node.Status?.Addr;
  if (status && status !== '0.0.0.0') return status;
  // A manager may report 0.0.0.0 as its status address; its raft address names the host.
  const manager = node.ManagerStatus?.Addr;
  return manager ? manager.replace(/:\d+$/, '') : undefined;
}

/**
 * The nodes labelled for sandboxes and up, whatever their availability: a paused node takes no
 * new sandbox but still runs its own (and holds their checkers and volumes).
 */
export function sandboxNodes(nodes: SwarmNodeInfo[]): SwarmNodeInfo[] {
  return nodes.filter((n) => n.Spec?.Labels?.[sandboxNodeLabel] === 'true' && n.Status?.State === 'ready');
}

export class NodeEngines {
  private readonly manager: EngineCalls;
  private readonly access: NodeAccess;
  private readonly settings: ContainerSettings;
  private readonly facts: () => EngineFacts;
  private readonly bounds: ExecBounds;
  private readonly locate: (sessionId: string) => string;
  private readonly log: Logger;
  private readonly engines = new Map<string, Promise<NodeEngine>>();

  constructor(
    manager: EngineCalls,
    access: NodeAccess,
    parts: {
      settings: ContainerSettings;
      facts: () => EngineFacts;
      bounds: ExecBounds;
      locate: (sessionId: string) => string;
    },
    log: Logger,
  ) {
    this.manager = manager;
    this.access = access;
    this.settings = parts.settings;
    this.facts = parts.facts;
    this.bounds = parts.bounds;
    this.locate = parts.locate;
    this.log = log;
  }

  /** The engine of node `id`, its address asked of the manager once. */
  of(id: string): Promise<NodeEngine> {
    let engine = this.engines.get(id);
    if (!engine) {
      engine = this.connect(id);
      this.engines.set(id, engine);
      engine.catch(() => this.engines.delete(id));
    }
    return engine;
  }

  /** A node left the swarm or changed address: its engine is asked for again next time. */
  forget(id: string): void {
    this.engines.delete(id);
  }

  /** Every node sandboxes may run on, as the manager lists them now. */
  async sandboxNodes(): Promise<SwarmNodeInfo[]> {
    return sandboxNodes(await this.all());
  }

  /** Every node of the swarm, as the manager lists them now. */
  async all(): Promise<SwarmNodeInfo[]> {
    return (await this.manager.docker.listNodes(this.manager.within())) as SwarmNodeInfo[];
  }

  /**
   * Whether the manager sees node `id` up: a node that is down (lost, stopped) is not asked
   * anything, so that nothing waits on an engine that cannot answer.
   */
  async isUp(id: string): Promise<boolean> {
    try {
      const info = (await this.manager.docker.getNode(id).inspect(this.manager.within())) as SwarmNodeInfo;
      return info.Status?.State === 'ready';
    } catch {
      return false;
    }
  }

  private async connect(id: string): Promise<NodeEngine> {
    let info: SwarmNodeInfo;
    try {
      info = (await this.manager.docker.getNode(id).inspect(this.manager.within())) as SwarmNodeInfo;
    } catch (error) {
      throw new SandboxError(`swarm node ${id} not found: ${(error as Error).message}`, { cause: error });
    }
    const address = nodeAddress(info);
    if (!address) throw new SandboxError(`swarm node ${id} has no address`);
    const tls = this.access.tls;
    const docker = new Docker({
      host: address,
      port: this.access.port,
      ...(tls
        ? { protocol: 'https' as const, ca: tls.ca, cert: tls.cert, key: tls.key }
        : { protocol: 'http' as const }),
    });
    const calls = new EngineCalls(docker, this.manager.callTimeoutMs, this.locate);
    const checkers = new CheckerContainers(calls, this.settings, this.facts, this.log);
    const execs = new SandboxExec(calls, checkers, this.bounds);
    const terminals = new TerminalTransport(calls, 'exec', (sessionId, command, options) =>
      execs.exec(sessionId, command, options),
    );
    this.log.info('swarm node engine reached', { node: id, address });
    return { id, address, calls, checkers, execs, terminals };
  }
}

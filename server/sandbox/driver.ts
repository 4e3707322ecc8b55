// The sandbox boundary: what the session layer needs from a sandbox, whatever runs it.
// Implementations: DockerSandboxDriver (one engine) and SwarmSandboxDriver (a Swarm cluster);
// unit tests use a fake.
import type { Duplex, Readable } from 'node:stream';

/** Labels put on every object we create, so a restarted server can find and reconcile them. */
export const labels = {
  managed: 'cours-docker.managed',
  role: 'cours-docker.role',
  session: 'cours-docker.session',
  expires: 'cours-docker.expires',
  pooled: 'cours-docker.pooled',
  /** The server instance (one per data folder) that owns the object; others leave it alone. */
  instance: 'cours-docker.instance',
} as const;

export interface SandboxSpec {
  /** Session id the sandbox is made for (pooled sandboxes get theirs in advance). */
  sessionId: string;
  /** Hard limit: the reaper removes the sandbox after this date whatever happens. */
  expiresAt: Date;
  /** True for a warm-pool sandbox not yet handed to a student. */
  pooled: boolean;
}

export interface Sandbox {
  containerId: string;
  sessionId: string;
  networkName: string;
  expiresAt: Date;
  pooled: boolean;
  createdAt: Date;
  running: boolean;
}

export interface ExecOptions {
  env?: Record<string, string>;
  /**
   * The command's standard input: bytes, or a stream piped with backpressure (an upload), which
   * then counts as one of the session's streams rather than one of its short execs. An error
   * of the stream cuts the command's input and is what exec() rejects with.
   */
  stdin?: Buffer | Readable;
  workdir?: string;
  /** The command is killed after this many milliseconds. */
  timeoutMs?: number;
  /** Most bytes kept of stdout and of stderr. */
  maxOutputBytes?: number;
  /**
   * Where the command runs: in the student's sandbox (by default), or in its checker, a
   * container of the sandbox's image that shares only the sandbox's processes and network.
   * The checker's binaries are out of the student's reach; it sees the sandbox's files under
   * /proc/1/root, and `sandbox-checker` gives it a verified path to the sandbox's engine.
   */
  in?: 'sandbox' | 'checker';
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A command whose output is read as it comes (an image saved by `docker save`, say). */
export interface ExecStream {
  /** The command's stdout, with backpressure: the command waits while it is not read. */
  output: Readable;
  /** The exit code once the command ended (-1 if it was cut off). */
  exitCode(): Promise<number>;
  /** Stops the command's stream (the command gets SIGPIPE or its timeout). */
  cancel(): void;
}

/** A connection to the student's shell in a sandbox (a TTY): raw bytes both ways. */
export interface TerminalProcess {
  /** The shell's output; closes when the shell exits or the connection drops. */
  output: Readable;
  /** Keystrokes for the shell. */
  write(keys: Buffer): void;
  /** Keystroke bytes written but not yet taken by the sandbox (the shell or its relay is slow). */
  inputBacklog(): number;
  /** Resolves once that backlog has been taken (at once when there is none, or the connection ends). */
  inputDrained(): Promise<void>;
  resize(cols: number, rows: number): void;
  /** Ends the connection; the shell itself lives on in the sandbox. */
  close(): void;
}

/** The machines that take sandboxes, as the engine reports them. */
export interface SandboxCapacity {
  /** Their cores, summed. */
  cpus: number;
  /** How many machines (1 for a single engine). */
  nodes: number;
}

export interface SandboxDriver {
  /** True when the Docker engine answers. */
  engineAvailable(): Promise<boolean>;
  /** Creates a sandbox and resolves once its inner Docker engine answers. */
  create(spec: SandboxSpec): Promise<Sandbox>;
  /** Removes a session's sandbox, its network and volumes; no error if already gone. */
  remove(sessionId: string): Promise<void>;
  /** Runs a command in the sandbox as its own process. */
  exec(sessionId: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs a command whose stdout is read as a stream, killed after `timeoutMs`, or at once when
   * the stream is cancelled.
   */
  execStream(sessionId: string, command: string[], options: { timeoutMs: number }): Promise<ExecStream>;
  /** The sandbox's address on its own network, when this machine reaches it (undefined otherwise). */
  address(sessionId: string): Promise<string | undefined>;
  /**
   * A byte stream to a port of the sandbox, through its engine (`docker exec` in its checker),
   * for a sandbox whose address this machine does not reach. Ending its writable side half-closes
   * the connection; it closes when the port's server closes it.
   */
  openPort(sessionId: string, port: number): Promise<Duplex>;
  /** Connects to the student's shell (a fresh one if the last one exited), at this size. */
  openTerminal(sessionId: string, cols: number, rows: number): Promise<TerminalProcess>;
  /** Every sandbox found in the engine by its labels. */
  list(): Promise<Sandbox[]>;
  /** What runs sandboxes now: the engine's cores, or those of a cluster's ready sandbox nodes. */
  capacity(): Promise<SandboxCapacity>;
  /**
   * Removes labelled objects (networks, volumes) that belong to no live sandbox, except those of
   * the sessions in `starting`: their network exists before their container does.
   */
  removeOrphans(starting: ReadonlySet<string>): Promise<number>;
}

/** A driver as the server runs it: the sandboxes, plus the engine's state and isolation at start. */
export interface EngineDriver extends SandboxDriver {
  /** For liveness probes: the engine's last known state at once, refreshed in the background. */
  engineStatus(): Promise<boolean>;
  /**
   * Settles the isolation mode with the engine, once at start (on a swarm: with every sandbox
   * node, each then given the images and the course registry's mirror).
   */
  resolveIsolation(): Promise<'userns' | 'none'>;
}

/** Base of the driver's errors: they say what failed, for logs; the HTTP layer words it for users. */
export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** The session's sandbox no longer exists or no longer runs (removed by hand, crashed). */
export class SandboxGoneError extends SandboxError {
  override name = 'SandboxGoneError';
  readonly sessionId: string;
  constructor(sessionId: string, options?: ErrorOptions) {
    super(`sandbox of session ${sessionId} is gone`, options);
    this.sessionId = sessionId;
  }
}

/**
 * The session already has as many `docker exec`s (or streams) running and waiting as its share
 * allows: this one is refused at once rather than queued, so one student's flood cannot grow
 * without bound; others' operations go on.
 */
export class SandboxBusyError extends SandboxError {
  override name = 'SandboxBusyError';
  readonly sessionId: string;
  constructor(sessionId: string, options?: ErrorOptions) {
    super(`sandbox of session ${sessionId}: too many operations at once`, options);
    this.sessionId = sessionId;
  }
}

/** A sandbox did not start (engine error, inner dockerd not ready in time). */
export class SandboxStartError extends SandboxError {
  override name = 'SandboxStartError';
}

/** A start's failure as the driver's own error: kept when it is one, else a SandboxStartError saying why. */
export function asStartError(error: unknown): SandboxError {
  return error instanceof SandboxError
    ? error
    : new SandboxStartError(`sandbox did not start: ${(error as Error).message}`, { cause: error });
}

/** The user-namespace isolation asked for is not what the engine does (SANDBOX_ISOLATION=userns). */
export class IsolationError extends SandboxError {
  override name = 'IsolationError';
}

/**
 * The swarm cannot hold sandboxes as they must be: `no-nodes` when no ready node is labelled for
 * them, `nodes-differ` when sandbox nodes disagree on user remapping or cgroups, `remap-forced`
 * when SANDBOX_ISOLATION=none was asked of nodes that remap users,
 * `not-prepared` when a node could not be given the images or the registry's mirror.
 */
export type ClusterProblem = 'no-nodes' | 'nodes-differ' | 'remap-forced' | 'not-prepared';

export class ClusterError extends SandboxError {
  override name = 'ClusterError';
  readonly reason: ClusterProblem;
  readonly detail: string;
  constructor(reason: ClusterProblem, detail: string, options?: ErrorOptions) {
    super(`swarm ${reason}: ${detail}`, options);
    this.reason = reason;
    this.detail = detail;
  }
}

/** The engine of the swarm node that runs the session's sandbox does not answer (yet the manager sees it up). */
export class NodeUnreachableError extends SandboxError {
  override name = 'NodeUnreachableError';
}

/** Every /24 of the subnet pool is taken. */
export class SubnetPoolExhaustedError extends SandboxError {
  override name = 'SubnetPoolExhaustedError';
}

/**
 * The shell's relay cannot be reached: `unreachable` when this machine cannot reach the
 * sandbox's address at all (remote engine: use SANDBOX_TERMINAL=exec), `silent` when the relay
 * does not answer, `no-address` when the sandbox has no address on its network.
 */
export class SandboxTerminalError extends SandboxError {
  override name = 'SandboxTerminalError';
  readonly reason: 'unreachable' | 'silent' | 'no-address';
  constructor(reason: 'unreachable' | 'silent' | 'no-address', detail: string, options?: ErrorOptions) {
    super(`sandbox terminal ${reason}: ${detail}`, options);
    this.reason = reason;
  }
}

// Calls to one Docker engine, each with a deadline: a hung engine fails the call rather than
// holding a seat, a check or the reaper forever; and what the engine's refusals mean for a session.
import type Docker from 'dockerode';
import { sandboxName } from './container-spec.ts';
import { SandboxGoneError } from './driver.ts';

export class EngineCalls {
  readonly docker: Docker;
  /** Deadline of a call that answers at once; removals get three times it. */
  readonly callTimeoutMs: number;
  private readonly deadlines = new Map<number, { since: number; signal: AbortSignal }>();
  private readonly locate: (sessionId: string) => string;

  /**
   * `locate` names a session's sandbox container on this engine: its fixed name by default; a
   * Swarm task's container, named by the cluster, is found by id (swarm/swarm-driver.ts).
   */
  constructor(docker: Docker, callTimeoutMs = 30_000, locate: (sessionId: string) => string = sandboxName) {
    this.docker = docker;
    this.callTimeoutMs = callTimeoutMs;
    this.locate = locate;
  }

  /** The session's sandbox container on this engine (its name or id). */
  sandbox(sessionId: string): Docker.Container {
    return this.docker.getContainer(this.locate(sessionId));
  }

  /** The session's sandbox container's name or id, for another container to join its namespaces. */
  sandboxRef(sessionId: string): string {
    return this.locate(sessionId);
  }

  /**
   * Deadline of an engine call that answers at once (inspect, list, create, connect…). Streams
   * (logs, exec output) have deadlines of their own.
   */
  within(ms = this.callTimeoutMs): { abortSignal: AbortSignal } {
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
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

/** The engine answers 404 for a missing container and 409 for a stopped one: the sandbox is gone. */
export function goneOr(error: unknown, sessionId: string): unknown {
  const status = (error as { statusCode?: number } | null)?.statusCode;
  return status === 404 || status === 409 ? new SandboxGoneError(sessionId, { cause: error }) : error;
}

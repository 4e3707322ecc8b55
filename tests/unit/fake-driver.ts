// A fake sandbox driver for unit tests of the session layer (never for integration tests).
import { PassThrough, Readable } from 'node:stream';
import type {
  ExecResult,
  ExecStream,
  Sandbox,
  SandboxDriver,
  SandboxSpec,
  TerminalProcess,
} from '../../server/sandbox/driver.ts';

export class FakeDriver implements SandboxDriver {
  readonly sandboxes = new Map<string, Sandbox>();
  readonly execs: { sessionId: string; command: string[]; env?: Record<string, string>; in?: 'sandbox' | 'checker' }[] =
    [];
  created = 0;
  removed: string[] = [];
  nextExec: Partial<ExecResult> = {};
  /** What the next streamed command prints, and its exit code. */
  nextStream: { chunks: Buffer[]; exitCode: number } = { chunks: [], exitCode: 0 };
  /** When true, keystrokes pile up unread, as with a stalled relay, until `drain()` is called. */
  stalledInput = false;

  engineAvailable(): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** When set, sandbox starts wait for it, as on a busy engine. */
  startGate: Promise<void> | undefined;
  /** When set, the next start fails with it. */
  failNextStart: Error | undefined;

  async create(spec: SandboxSpec): Promise<Sandbox> {
    // As on the engine: the container exists, not running yet, while its start goes on.
    const sandbox: Sandbox = {
      containerId: `c-${spec.sessionId}`,
      sessionId: spec.sessionId,
      networkName: `n-${spec.sessionId}`,
      expiresAt: spec.expiresAt,
      pooled: spec.pooled,
      createdAt: new Date(),
      running: false,
    };
    this.sandboxes.set(spec.sessionId, sandbox);
    await this.startGate;
    const failure = this.failNextStart;
    this.failNextStart = undefined;
    if (failure) {
      this.sandboxes.delete(spec.sessionId);
      throw failure;
    }
    this.created++;
    sandbox.running = true;
    return sandbox;
  }

  remove(sessionId: string): Promise<void> {
    this.removed.push(sessionId);
    this.sandboxes.delete(sessionId);
    return Promise.resolve();
  }

  exec(
    sessionId: string,
    command: string[],
    options: { env?: Record<string, string>; in?: 'sandbox' | 'checker' } = {},
  ): Promise<ExecResult> {
    this.execs.push({
      sessionId,
      command,
      ...(options.env ? { env: options.env } : {}),
      ...(options.in ? { in: options.in } : {}),
    });
    return Promise.resolve({ exitCode: 0, stdout: '', stderr: '', timedOut: false, ...this.nextExec });
  }

  address(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  execStream(sessionId: string, command: string[]): Promise<ExecStream> {
    this.execs.push({ sessionId, command });
    const { chunks, exitCode } = this.nextStream;
    return Promise.resolve({
      output: Readable.from(chunks),
      exitCode: () => Promise.resolve(exitCode),
      cancel: () => {},
    });
  }

  /** Sessions whose terminal was opened, once per opening. */
  readonly terminalsOpened: string[] = [];

  /** Each terminal's output is a PassThrough a test can push to; keystrokes are recorded. */
  openTerminal(sessionId: string): Promise<TerminalProcess> {
    this.terminalsOpened.push(sessionId);
    const output = new PassThrough();
    const keys: Buffer[] = [];
    const backlog = { bytes: 0, waiters: [] as (() => void)[] };
    return Promise.resolve({
      output,
      keys,
      write: (data: Buffer) => {
        keys.push(data);
        if (this.stalledInput) backlog.bytes += data.length;
      },
      inputBacklog: () => backlog.bytes,
      inputDrained: () =>
        backlog.bytes === 0 ? Promise.resolve() : new Promise<void>((resolve) => backlog.waiters.push(resolve)),
      /** Test hook: the sandbox takes everything waiting. */
      drain: () => {
        backlog.bytes = 0;
        for (const resolve of backlog.waiters.splice(0)) resolve();
      },
      resize: () => {},
      close: () => output.destroy(),
    });
  }

  list(): Promise<Sandbox[]> {
    return Promise.resolve([...this.sandboxes.values()]);
  }

  removeOrphans(): Promise<number> {
    return Promise.resolve(0);
  }
}

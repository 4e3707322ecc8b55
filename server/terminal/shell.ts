// A session's shell as the server holds it: one connection to the sandbox's shell for the
// whole session, its screen mirror, and at most one browser viewing it at a time. The
// connection outlives WebSockets, so a browser that reconnects finds the shell, its screen
// and what it printed meanwhile; `exit` gets a fresh shell. Watchers (the instructor looking
// over a shoulder) get the same screen and output, read-only, without slowing the student.
import type { Logger } from '../log/log.ts';
import type { SandboxDriver, TerminalProcess } from '../sandbox/driver.ts';
import type { OutputShare, SharedOutput } from './output-share.ts';
import type { ScreenMirror, ScreenMirrors } from './screen.ts';

/** What a browser connection receives from the shell. */
export interface ShellViewer {
  output(chunk: Buffer): void;
  /** The shell exited; a fresh one is being started. */
  exited(): void;
  /** The fresh shell after an exit is there. */
  restarted(): void;
  /** The shell cannot go on: it exits as soon as it opens, or a fresh one could not be opened. */
  failed(reason: 'exits-at-once' | 'reopen-failed', error?: unknown): void;
  /** The terminal changed size (told to watchers: the student's browser sets the size). */
  resized?(cols: number, rows: number): void;
}

export interface ShellOptions {
  /** Output read while no browser is attached, for the mirror, before the shell is held. */
  detachedBudgetBytes: number;
}

export const defaultShellOptions: ShellOptions = { detachedBudgetBytes: 1024 * 1024 };

/** Full reset, sent before a snapshot so the browser's terminal starts from a blank state. */
const resetTerminal = '\x1bc';

type HoldReason = 'viewer' | 'attaching' | 'detached' | 'share';

export class TerminalShell {
  readonly sessionId: string;
  private readonly driver: SandboxDriver;
  private readonly log: Logger;
  private readonly options: ShellOptions;
  private readonly mirror: ScreenMirror;
  private process: TerminalProcess | undefined;
  private opening: Promise<TerminalProcess> | undefined;
  private viewer: ShellViewer | undefined;
  /** Output that arrived while a browser was attaching, sent right after its snapshot. */
  private held: Buffer[] | undefined;
  private readonly holds = new Set<HoldReason>();
  private detachedBytes = 0;
  private cols = 80;
  private rows = 24;
  private disposed = false;
  private readonly quickExits: number[] = [];
  /** Read-only viewers, each with the output held while its snapshot is on its way. */
  private readonly watchers = new Map<ShellViewer, Buffer[] | undefined>();
  private readonly share: OutputShare | undefined;
  /** This shell as the output share sees it. */
  private readonly shared: SharedOutput = {
    hold: () => this.hold('share'),
    resume: () => this.release('share'),
  };

  constructor(
    sessionId: string,
    driver: SandboxDriver,
    mirrors: ScreenMirrors,
    log: Logger,
    options: Partial<ShellOptions> = {},
    share?: OutputShare,
  ) {
    this.share = share;
    this.sessionId = sessionId;
    this.driver = driver;
    this.log = log;
    this.options = { ...defaultShellOptions, ...options };
    this.mirror = mirrors.open(this.cols, this.rows);
  }

  /** Shows the shell to `viewer`: the current screen first, then live output. */
  async attach(viewer: ShellViewer, cols: number, rows: number): Promise<void> {
    this.viewer = viewer;
    this.held = [];
    this.detachedBytes = 0;
    this.holds.delete('detached');
    this.hold('attaching');
    try {
      const running = this.process;
      this.setSize(cols, rows);
      if (!running) await this.open();
      const screen = await this.mirror.snapshot();
      if (this.viewer !== viewer || this.disposed) return;
      viewer.output(Buffer.from(resetTerminal + screen, 'utf8'));
      for (const chunk of this.held) viewer.output(chunk);
    } finally {
      if (this.viewer === viewer) this.held = undefined;
      this.release('attaching');
    }
  }

  /** Connects the shell ahead of its first viewer (a pool sandbox's), its screen kept by the mirror. */
  prepare(): void {
    if (this.process || this.disposed) return;
    this.open().catch((error: unknown) => this.log.debug('shell not connected ahead', { error }));
  }

  /** Shows the shell to a read-only watcher: the current screen, then live output. */
  async watch(viewer: ShellViewer): Promise<void> {
    this.watchers.set(viewer, []);
    // Output flows while someone watches, even with the student's tab closed.
    this.holds.delete('detached');
    this.apply();
    if (!this.process) await this.open();
    const screen = await this.mirror.snapshot();
    const held = this.watchers.get(viewer);
    if (!held || this.disposed) return;
    viewer.output(Buffer.from(resetTerminal + screen, 'utf8'));
    for (const chunk of held) viewer.output(chunk);
    this.watchers.set(viewer, undefined);
  }

  unwatch(viewer: ShellViewer): void {
    this.watchers.delete(viewer);
  }

  detach(viewer: ShellViewer): void {
    if (this.viewer !== viewer) return;
    this.viewer = undefined;
    this.held = undefined;
    this.holds.delete('viewer');
    this.holds.delete('attaching');
    this.apply();
  }

  write(keys: Buffer): void {
    this.process?.write(keys);
  }

  /** Keystroke bytes the sandbox has not taken yet. */
  inputBacklog(): number {
    return this.process?.inputBacklog() ?? 0;
  }

  /** Resolves once the sandbox has taken the keystrokes written so far. */
  inputDrained(): Promise<void> {
    return this.process?.inputDrained() ?? Promise.resolve();
  }

  resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return;
    this.setSize(cols, rows);
  }

  /** Backpressure from the browser: the shell's output waits while it catches up. */
  pause(): void {
    this.hold('viewer');
  }

  resume(): void {
    this.release('viewer');
  }

  dispose(): void {
    this.disposed = true;
    this.viewer = undefined;
    this.watchers.clear();
    this.process?.close();
    this.process = undefined;
    this.share?.forget(this.shared);
    this.mirror.dispose();
  }

  /** The terminal's size, as the student's browser set it. */
  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  private setSize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    for (const watcher of this.watchers.keys()) watcher.resized?.(cols, rows);
    this.mirror.resize(cols, rows);
    this.process?.resize(cols, rows);
  }

  private async open(): Promise<TerminalProcess> {
    this.opening ??= this.driver.openTerminal(this.sessionId, this.cols, this.rows).finally(() => {
      this.opening = undefined;
    });
    const opened = await this.opening;
    if (this.disposed) {
      opened.close();
      return opened;
    }
    if (this.process === opened) return opened;
    this.process = opened;
    const startedAt = Date.now();
    opened.output.on('data', (chunk: Buffer) => this.received(chunk));
    opened.output.on('close', () => this.ended(opened, startedAt));
    opened.output.on('error', (error: Error) => this.log.debug('terminal connection error', { error }));
    this.apply();
    return opened;
  }

  private received(chunk: Buffer): void {
    // The student's bytes first: the mirror is never on their way.
    if (this.held) this.held.push(chunk);
    else if (this.viewer) this.viewer.output(chunk);
    for (const [watcher, held] of this.watchers) {
      if (held) held.push(chunk);
      else watcher.output(chunk);
    }
    this.mirror.write(chunk);
    this.share?.took(this.shared, chunk.length);
    if (!this.held && !this.viewer && this.watchers.size === 0) {
      // Nobody watching: keep the mirror current for a while, then let the shell wait.
      this.detachedBytes += chunk.length;
      if (this.detachedBytes > this.options.detachedBudgetBytes) this.hold('detached');
    }
  }

  private ended(process: TerminalProcess, startedAt: number): void {
    if (this.process !== process || this.disposed) return;
    this.process = undefined;
    const viewer = this.viewer;
    if (!viewer) return; // the next browser to attach starts a fresh shell
    viewer.exited();
    const now = Date.now();
    if (now - startedAt < 1000) this.quickExits.push(now);
    if (this.quickExits.filter((t) => now - t < 10_000).length >= 3) {
      viewer.failed('exits-at-once');
      return;
    }
    this.open().then(
      () => {
        if (this.viewer === viewer) viewer.restarted();
      },
      (error: Error) => {
        this.log.warn('terminal reopen failed', { error, code: (error.cause as NodeJS.ErrnoException)?.code });
        if (this.viewer === viewer) viewer.failed('reopen-failed', error);
      },
    );
  }

  private hold(reason: HoldReason): void {
    this.holds.add(reason);
    this.apply();
  }

  private release(reason: HoldReason): void {
    this.holds.delete(reason);
    this.apply();
  }

  private apply(): void {
    const output = this.process?.output;
    if (!output) return;
    if (this.holds.size > 0) output.pause();
    else output.resume();
  }
}

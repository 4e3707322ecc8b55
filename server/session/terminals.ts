// The shells of live sessions: one TerminalShell per session, made on first attach and dropped
// when the session ends. The screen mirrors run in one worker thread for all of them.
import { EventEmitter } from 'node:events';
import type { Logger } from '../log/log.ts';
import type { SandboxDriver } from '../sandbox/driver.ts';
import { OutputShare } from '../terminal/output-share.ts';
import { ScreenMirrors } from '../terminal/screen.ts';
import { TerminalShell } from '../terminal/shell.ts';
import type { SessionManager } from './manager.ts';

export class SessionTerminals extends EventEmitter<{ connection: [sessionId: string, connected: boolean] }> {
  private readonly shells = new Map<string, TerminalShell>();
  /** Sessions whose student has their terminal open in a browser now. */
  private readonly connected = new Set<string>();
  private readonly mirrors: ScreenMirrors;
  /** One budget of output for all shells, so a flood slows only its own terminal. */
  private readonly share = new OutputShare();
  private readonly driver: SandboxDriver;
  private readonly log: Logger;

  constructor(manager: SessionManager, driver: SandboxDriver, log: Logger) {
    super();
    this.driver = driver;
    this.log = log;
    this.mirrors = new ScreenMirrors(log);
    // The first terminal must not wait for the mirrors' worker to load: it loads meanwhile.
    manager.on('starting', () => this.mirrors.warm());
    // A pool sandbox's shell is connected before its student comes: their prompt is then on
    // screen as soon as their page asks for it.
    manager.on('pooled', (sessionId) => this.shellFor(sessionId).prepare());
    manager.on('unpooled', (sessionId) => this.drop(sessionId));
    manager.on('ended', (sessionId) => {
      this.drop(sessionId);
      this.setConnected(sessionId, false);
    });
  }

  private drop(sessionId: string): void {
    this.shells.get(sessionId)?.dispose();
    this.shells.delete(sessionId);
  }

  /** The session's shell, connected on first use. */
  shellFor(sessionId: string): TerminalShell {
    let shell = this.shells.get(sessionId);
    if (!shell) {
      shell = new TerminalShell(sessionId, this.driver, this.mirrors, this.log, {}, this.share);
      this.shells.set(sessionId, shell);
    }
    return shell;
  }

  /** The terminal socket layer says when a student's browser holds or lets go of the terminal. */
  setConnected(sessionId: string, connected: boolean): void {
    if (this.connected.has(sessionId) === connected) return;
    if (connected) this.connected.add(sessionId);
    else this.connected.delete(sessionId);
    this.emit('connection', sessionId, connected);
  }

  isConnected(sessionId: string): boolean {
    return this.connected.has(sessionId);
  }

  /** Drops every shell connection (the shells themselves live on in their sandboxes). */
  async close(): Promise<void> {
    for (const shell of this.shells.values()) shell.dispose();
    this.shells.clear();
    this.share.close();
    await this.mirrors.close();
  }
}

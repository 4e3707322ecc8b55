// The shells of live sessions: one TerminalShell per session, made on first attach and dropped
// when the session ends. The screen mirrors run in one worker thread for all of them.
import type { Logger } from '../log/log.ts';
import type { SandboxDriver } from '../sandbox/driver.ts';
import { ScreenMirrors } from '../terminal/screen.ts';
import { TerminalShell } from '../terminal/shell.ts';
import type { SessionManager } from './manager.ts';

export class SessionTerminals {
  private readonly shells = new Map<string, TerminalShell>();
  private readonly mirrors: ScreenMirrors;
  private readonly driver: SandboxDriver;
  private readonly log: Logger;

  constructor(manager: SessionManager, driver: SandboxDriver, log: Logger) {
    this.driver = driver;
    this.log = log;
    this.mirrors = new ScreenMirrors(log);
    manager.on('ended', (sessionId) => {
      this.shells.get(sessionId)?.dispose();
      this.shells.delete(sessionId);
    });
  }

  /** The session's shell, connected on first use. */
  shellFor(sessionId: string): TerminalShell {
    let shell = this.shells.get(sessionId);
    if (!shell) {
      shell = new TerminalShell(sessionId, this.driver, this.mirrors, this.log);
      this.shells.set(sessionId, shell);
    }
    return shell;
  }

  /** Drops every shell connection (the shells themselves live on in their sandboxes). */
  async close(): Promise<void> {
    for (const shell of this.shells.values()) shell.dispose();
    this.shells.clear();
    await this.mirrors.close();
  }
}

// The terminal WebSocket of the contract: token in the first frame, keystrokes and output as
// binary frames, JSON control frames, heartbeat and flow control. The shell behind it
// (shell.ts) outlives the socket, so a reconnecting browser gets it back with its screen.
import type { WebSocket } from 'ws';
import { terminalBounds, type ClientMessage, type ServerMessage } from '../../src/shared/contract.ts';
import type { Logger } from '../log.ts';
import type { SandboxDriver } from '../sandbox/driver.ts';
import type { EndReason, Session, SessionManager } from '../session/manager.ts';
import { ScreenMirrors } from './screen.ts';
import { TerminalShell, type ShellViewer } from './shell.ts';

export interface TerminalOptions {
  authTimeoutMs: number;
  heartbeatMs: number;
  /** Output is paused while more than this many bytes wait to be sent or acknowledged. */
  highWaterBytes: number;
  lowWaterBytes: number;
  maxControlBytes: number;
}

export const defaultTerminalOptions: TerminalOptions = {
  authTimeoutMs: 10_000,
  heartbeatMs: 15_000,
  highWaterBytes: 512 * 1024,
  lowWaterBytes: 64 * 1024,
  maxControlBytes: 4096,
};

/** Close codes (4000-4999 are ours). */
export const closeCodes = { unauthorized: 4401, replaced: 4409, ended: 4410, authTimeout: 4408 } as const;

const endMessages: Record<EndReason, string> = {
  deleted: 'Session terminée.',
  expired:
    'Le temps de cette session est écoulé : le bac à sable a été supprimé. Rechargez la page pour en ouvrir un nouveau.',
  idle: 'Session fermée après une longue inactivité. Rechargez la page pour ouvrir un nouveau bac à sable.',
  shutdown: 'Le serveur redémarre : rechargez la page dans un instant.',
  lost: "Le bac à sable s'est arrêté. Rechargez la page pour en ouvrir un nouveau.",
};

export function parseControl(text: string): ClientMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'Message de contrôle illisible : JSON attendu.';
  }
  if (typeof value !== 'object' || value === null) return 'Message de contrôle invalide.';
  const msg = value as Record<string, unknown>;
  switch (msg.type) {
    case 'auth':
      return typeof msg.token === 'string'
        ? { type: 'auth', token: msg.token, ...(msg.flow === 'ack' ? { flow: 'ack' as const } : {}) }
        : 'Authentification invalide : {"type":"auth","token":"..."} attendu.';
    case 'resize': {
      const { cols, rows } = msg;
      const b = terminalBounds;
      if (
        !Number.isInteger(cols) ||
        !Number.isInteger(rows) ||
        (cols as number) < b.minCols ||
        (cols as number) > b.maxCols ||
        (rows as number) < b.minRows ||
        (rows as number) > b.maxRows
      ) {
        return `Taille de terminal invalide : colonnes entre ${b.minCols} et ${b.maxCols}, lignes entre ${b.minRows} et ${b.maxRows}.`;
      }
      return { type: 'resize', cols: cols as number, rows: rows as number };
    }
    case 'ack':
      return Number.isInteger(msg.bytes) && (msg.bytes as number) >= 0
        ? { type: 'ack', bytes: msg.bytes as number }
        : 'Accusé de réception invalide.';
    case 'ping':
      return { type: 'ping' };
    default:
      return `Type de message inconnu : ${String(msg.type).slice(0, 40)}.`;
  }
}

export class TerminalHub {
  private readonly active = new Map<string, WebSocket>();
  private readonly shells = new Map<string, TerminalShell>();
  private readonly mirrors: ScreenMirrors;
  private readonly manager: SessionManager;
  private readonly driver: SandboxDriver;
  private readonly log: Logger;
  private readonly options: TerminalOptions;

  constructor(manager: SessionManager, driver: SandboxDriver, log: Logger, options: Partial<TerminalOptions> = {}) {
    this.manager = manager;
    this.driver = driver;
    this.log = log;
    this.options = { ...defaultTerminalOptions, ...options };
    this.mirrors = new ScreenMirrors(log);
    manager.on('ended', (sessionId, reason) => {
      this.shells.get(sessionId)?.dispose();
      this.shells.delete(sessionId);
      const ws = this.active.get(sessionId);
      if (!ws) return;
      send(ws, { type: reason === 'expired' || reason === 'idle' ? 'expired' : 'error', message: endMessages[reason] });
      ws.close(closeCodes.ended, 'session terminée');
    });
  }

  /** Drops every shell connection (the shells themselves live on in their sandboxes). */
  async close(): Promise<void> {
    for (const shell of this.shells.values()) shell.dispose();
    this.shells.clear();
    await this.mirrors.close();
  }

  private shellFor(sessionId: string): TerminalShell {
    let shell = this.shells.get(sessionId);
    if (!shell) {
      shell = new TerminalShell(sessionId, this.driver, this.mirrors, this.log);
      this.shells.set(sessionId, shell);
    }
    return shell;
  }

  /** Takes over a WebSocket upgraded on /ws/sessions/:id/terminal. */
  handle(ws: WebSocket, sessionId: string): void {
    const o = this.options;
    let session: Session | undefined;
    let shell: TerminalShell | undefined;
    let size = { cols: 80, rows: 24 };
    let ackMode = false;
    let unacked = 0;
    let paused = false;
    let alive = true;
    let closed = false;

    const authTimer = setTimeout(() => {
      send(ws, { type: 'error', message: "Pas d'authentification reçue à temps : rechargez la page." });
      ws.close(closeCodes.authTimeout, 'authentification attendue');
    }, o.authTimeoutMs);

    const heartbeat = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, o.heartbeatMs);
    ws.on('pong', () => {
      alive = true;
    });

    const sendTime = () => {
      if (!session) return;
      send(ws, {
        type: 'time',
        expiresAt: session.expiresAt.toISOString(),
        idleExpiresAt: this.manager.idleExpiresAt(session).toISOString(),
      });
    };
    const timeTimer = setInterval(sendTime, 30_000);
    const refuse = (message: string) => {
      send(ws, { type: 'error', message });
      ws.close(closeCodes.unauthorized, 'non autorisé');
    };
    const authFirst = 'Authentifiez-vous d\'abord : premier message {"type":"auth","token":"..."}.';

    const pending = () => (ackMode ? unacked : 0) + ws.bufferedAmount;
    const maybeResume = () => {
      if (paused && pending() <= o.lowWaterBytes) {
        paused = false;
        shell?.resume();
      }
    };

    const viewer: ShellViewer = {
      output: (chunk) => {
        if (ws.readyState !== ws.OPEN) return;
        unacked += chunk.length;
        ws.send(chunk, { binary: true }, () => maybeResume());
        if (!paused && pending() > o.highWaterBytes) {
          // Backpressure: the shell's output waits until the browser has caught up.
          paused = true;
          shell?.pause();
        }
      },
      exited: () => send(ws, { type: 'exit' }),
      restarted: () => send(ws, { type: 'ready' }),
      failed: (message) => send(ws, { type: 'error', message }),
    };

    const authenticate = async (token: string, flow: 'ack' | undefined) => {
      clearTimeout(authTimer);
      const found = this.manager.authenticate(sessionId, token);
      if (!found) {
        refuse('Jeton invalide ou session terminée : rechargez la page pour ouvrir une nouvelle session.');
        return;
      }
      session = found;
      ackMode = flow === 'ack';
      const previous = this.active.get(sessionId);
      if (previous && previous !== ws) {
        send(previous, { type: 'error', message: 'Ce terminal a été ouvert dans un autre onglet.' });
        previous.close(closeCodes.replaced, 'ouvert ailleurs');
      }
      this.active.set(sessionId, ws);
      this.manager.touch(found);
      if (found.state === 'preparing')
        send(ws, { type: 'status', message: 'Préparation du TP dans votre bac à sable…' });
      await found.ready;
      if (found.state === 'failed') {
        send(ws, {
          type: 'error',
          message: `Le TP n'a pas pu être préparé : ${found.failure ?? ''} Cliquez sur « Réinitialiser ».`,
        });
      }
      sendTime();
      if (closed) return;
      shell = this.shellFor(sessionId);
      await shell.attach(viewer, size.cols, size.rows);
      send(ws, { type: 'ready' });
    };

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        if (!session) {
          refuse(authFirst);
          return;
        }
        this.manager.touch(session);
        shell?.write(data);
        return;
      }
      if (data.length > o.maxControlBytes) {
        send(ws, { type: 'error', message: `Message de contrôle trop gros (maximum ${o.maxControlBytes} octets).` });
        return;
      }
      const message = parseControl(data.toString('utf8'));
      if (typeof message === 'string') {
        if (session) send(ws, { type: 'error', message });
        else refuse(message);
        return;
      }
      if (!session && message.type !== 'auth') {
        refuse(authFirst);
        return;
      }
      switch (message.type) {
        case 'auth':
          if (session) return;
          void authenticate(message.token, message.flow).catch((error: Error) => {
            this.log.error('terminal open failed', { sessionId, error });
            send(ws, { type: 'error', message: `Le terminal n'a pas pu s'ouvrir : ${error.message}` });
            ws.close(1011, 'erreur');
          });
          return;
        case 'resize':
          size = { cols: message.cols, rows: message.rows };
          // Before the shell is there, the size is kept for the attach.
          shell?.resize(size.cols, size.rows);
          return;
        case 'ack':
          unacked = Math.max(0, unacked - message.bytes);
          maybeResume();
          return;
        case 'ping':
          if (session) this.manager.touch(session);
          send(ws, { type: 'pong' });
          return;
      }
    });

    ws.on('close', () => {
      closed = true;
      clearTimeout(authTimer);
      clearInterval(heartbeat);
      clearInterval(timeTimer);
      if (this.active.get(sessionId) === ws) this.active.delete(sessionId);
      shell?.detach(viewer);
    });
    ws.on('error', (error) => this.log.debug('websocket error', { sessionId, error }));
  }
}

function send(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

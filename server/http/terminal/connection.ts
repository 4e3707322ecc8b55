// The terminal WebSocket: the shell's output and keystrokes as binary frames, JSON control frames.
import type { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../../shared/contract.ts';
import { closeCodes, limits } from '../../../shared/limits.ts';
import type { Logger } from '../../log/log.ts';
import { terminalBytes } from '../../metrics/metrics.ts';
import type { Session } from '../../session/manager.ts';
import type { ShellViewer, TerminalShell } from '../../terminal/shell.ts';
import type { SessionServices } from '../deps.ts';
import { endMessages, toUserError } from '../errors.ts';
import { OutputFlow } from '../socket/flow.ts';
import { ServerSocket } from '../socket/socket.ts';
import { Coalescer, ControlBudget, controlFrames } from './messages.ts';

export interface TerminalOptions {
  authTimeoutMs: number;
  heartbeatMs: number;
  /** Output is paused while more than this many bytes wait to be sent or acknowledged. */
  highWaterBytes: number;
  lowWaterBytes: number;
  maxControlBytes: number;
  /** Keystrokes the sandbox has not taken past which the socket stops being read. */
  inputHighWaterBytes: number;
  /** Past this backlog (frames already read when reading stopped), the connection is dropped. */
  inputMaxBacklogBytes: number;
  /** A terminal's size changes at most once per this many ms; the latest size always wins. */
  resizeIntervalMs: number;
  /** Control frames (acks aside) served per second on average, and at once. */
  controlPerSecond: number;
  controlBurst: number;
  /** Control frames refused in one flood past which the connection is closed. */
  maxDroppedControls: number;
}

export const defaultTerminalOptions: TerminalOptions = {
  authTimeoutMs: limits.authTimeoutSeconds * 1000,
  heartbeatMs: 15_000,
  highWaterBytes: 512 * 1024,
  lowWaterBytes: 64 * 1024,
  maxControlBytes: limits.maxControlBytes,
  inputHighWaterBytes: 256 * 1024,
  inputMaxBacklogBytes: 8 * 1024 * 1024,
  // Each resize reflows the screen mirror's scrollback and signals the shell: ten a second keep
  // a window being dragged smooth while a flood costs the server no more than a slow drag.
  resizeIntervalMs: 100,
  // A page sends a resize per change of its size in cells and a ping now and then: a window
  // dragged for seconds stays under 50 a second after a first 100. Acks are not counted: they
  // follow the output (one per 32 KB displayed) and throttling them would slow the terminal.
  controlPerSecond: 50,
  controlBurst: 100,
  // 1000 frames past the budget is twenty seconds over it at twice the allowed rate, or a
  // fraction of a second of a scripted flood: no page a student drives gets there.
  maxDroppedControls: 1000,
};

/**
 * Close code for a page that floods control frames (the protocol's "policy violation"): the
 * browser's client reconnects after its back-off, as for any code but the final ones.
 */
export const controlFloodCloseCode = 1008;

const authFirst = 'Authentifiez-vous d\'abord : premier message {"type":"auth","token":"..."}.';

/** What the student reads while their session is not ready yet; undefined once it is. */
export function progressMessage(state: string, ahead: number | undefined): string | undefined {
  const queue =
    ahead === undefined || ahead === 0 ? '' : ` : ${ahead === 1 ? '1 élève' : `${ahead} élèves`} avant vous`;
  if (state === 'starting')
    return ahead === undefined
      ? 'Votre bac à sable démarre…'
      : `Votre bac à sable démarre${queue || ' : vous êtes le prochain'}…`;
  if (state === 'preparing')
    return ahead === undefined
      ? 'Préparation du TP dans votre bac à sable…'
      : `Préparation du TP${queue || ' : vous êtes le prochain'}…`;
  return undefined;
}

function send(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/** The open terminal sockets, at most one per session: a second tab replaces the first. */
export class TerminalSockets {
  private readonly active = new Map<string, WebSocket>();
  private readonly services: SessionServices;
  private readonly log: Logger;
  private readonly options: TerminalOptions;

  private readonly keyboardTaken: (sessionId: string) => boolean;

  constructor(
    services: SessionServices,
    log: Logger,
    options: Partial<TerminalOptions> = {},
    keyboardTaken: (sessionId: string) => boolean = () => false,
  ) {
    this.keyboardTaken = keyboardTaken;
    this.services = services;
    this.log = log;
    this.options = { ...defaultTerminalOptions, ...options };
    services.sessions.on('ended', (sessionId, reason) => {
      const ws = this.active.get(sessionId);
      if (!ws) return;
      send(ws, { type: reason === 'expired' || reason === 'idle' ? 'expired' : 'error', message: endMessages[reason] });
      ws.close(closeCodes.ended, 'session terminée');
    });
  }

  /** Takes over a WebSocket upgraded on /ws/sessions/:id/terminal. */
  open(ws: WebSocket, sessionId: string): void {
    new TerminalConnection(ws, sessionId, this.services, this.log, this.options, {
      claim: (session) => {
        const previous = this.active.get(session);
        if (previous && previous !== ws) {
          send(previous, { type: 'error', message: 'Ce terminal a été ouvert dans un autre onglet.' });
          previous.close(closeCodes.replaced, 'ouvert ailleurs');
        }
        this.active.set(session, ws);
        this.services.terminals.setConnected(session, true);
      },
      release: (session) => {
        if (this.active.get(session) !== ws) return;
        this.active.delete(session);
        this.services.terminals.setConnected(session, false);
      },
      keyboardTaken: (session) => this.keyboardTaken(session),
    });
  }
}

interface Ownership {
  claim(sessionId: string): void;
  release(sessionId: string): void;
  /** Whether the instructor holds this session's keyboard. */
  keyboardTaken(sessionId: string): boolean;
}

/**
 * One per WebSocket; the shell behind it (terminal/shell.ts) outlives the socket, so a
 * reconnecting browser gets it back with its screen.
 */
class TerminalConnection {
  private readonly socket: ServerSocket<ClientMessage, ServerMessage>;
  private readonly ws: WebSocket;
  private readonly sessionId: string;
  private readonly services: SessionServices;
  private readonly log: Logger;
  private readonly options: TerminalOptions;
  private readonly ownership: Ownership;
  private session: Session | undefined;
  private shell: TerminalShell | undefined;
  private size = { cols: 80, rows: 24 };
  /** The shell's output, paused while the browser has not caught up. */
  private readonly flow: OutputFlow;
  /** The socket is not read while the sandbox has not taken the keystrokes already sent. */
  private inputPaused = false;
  private closed = false;
  /** The connection is being closed for a flood: what else it sends is ignored. */
  private flooded = false;
  private readonly viewer: ShellViewer;
  private readonly budget: ControlBudget;
  /** Resizes reach the shell (its relay, its mirror, its watchers) coalesced. */
  private readonly resizes: Coalescer<{ cols: number; rows: number }>;

  constructor(
    ws: WebSocket,
    sessionId: string,
    services: SessionServices,
    log: Logger,
    options: TerminalOptions,
    ownership: Ownership,
  ) {
    this.ws = ws;
    this.sessionId = sessionId;
    this.services = services;
    this.log = log;
    this.options = options;
    this.ownership = ownership;
    this.budget = new ControlBudget(options.controlPerSecond, options.controlBurst);
    this.resizes = new Coalescer(options.resizeIntervalMs, ({ cols, rows }) => this.shell?.resize(cols, rows));
    this.flow = new OutputFlow(
      ws,
      { pause: () => this.shell?.pause(), resume: () => this.shell?.resume() },
      { highWaterBytes: options.highWaterBytes, lowWaterBytes: options.lowWaterBytes },
    );
    this.viewer = {
      output: (chunk) => this.output(chunk),
      exited: () => this.socket.send({ type: 'exit' }),
      restarted: () => this.socket.send({ type: 'ready' }),
      failed: (reason, error) => {
        // A session being ended loses its shell first: the end's own message follows, once its
        // sandbox is gone (SessionManager.destroy), and is the one the student must read.
        if (!this.services.sessions.get(sessionId)) return;
        this.socket.send({
          type: 'error',
          message:
            reason === 'exits-at-once'
              ? 'Le shell se ferme aussitôt ouvert : cliquez sur « Réinitialiser » pour un bac à sable neuf.'
              : `Impossible de rouvrir un shell : ${toUserError(error).message}`,
        });
      },
    };
    this.socket = new ServerSocket(
      ws,
      {
        log,
        errorLog: { message: 'websocket error', context: { sessionId } },
        heartbeatMs: options.heartbeatMs,
        authDeadline: {
          ms: options.authTimeoutMs,
          message: "Pas d'authentification reçue à temps : rechargez la page.",
          reason: 'authentification attendue',
        },
        refuseReason: 'non autorisé',
        authFirst,
        parse: controlFrames(options.maxControlBytes),
      },
      {
        admit: () => !this.flooded,
        binary: (data) => this.keystrokes(data),
        refused: ({ reason }) => this.refused(reason),
        authenticate: (message) => this.open(message.token, message.flow),
        message: (message) => this.control(message),
        closed: () => this.closeDown(),
      },
    );
    this.socket.timers.interval('time', 30_000, () => this.sendTime());
  }

  private sendTime(): void {
    if (!this.session) return;
    this.socket.send({
      type: 'time',
      expiresAt: this.session.expiresAt.toISOString(),
      idleExpiresAt: this.services.sessions.idleExpiresAt(this.session).toISOString(),
    });
  }

  private output(chunk: Buffer): void {
    if (!this.socket.open) return;
    // Backpressure: the shell's output waits until the browser has caught up.
    this.flow.send(chunk);
    // Bookkeeping after the bytes have left: an echo waits for nothing else.
    terminalBytes.inc({ direction: 'out' }, chunk.length);
  }

  /** A shell or relay that stops reading must not make the server buffer keystrokes without end. */
  private inputBackpressure(): void {
    const shell = this.shell;
    if (!shell) return;
    const backlog = shell.inputBacklog();
    if (backlog > this.options.inputMaxBacklogBytes) {
      this.socket.send({
        type: 'error',
        message:
          'Votre bac à sable ne lit plus le clavier et trop de frappes attendent : connexion coupée. Rechargez la page ; si cela se répète, cliquez sur « Réinitialiser ».',
      });
      this.ws.close(closeCodes.inputOverflow, 'trop de frappes en attente');
      return;
    }
    if (this.inputPaused || backlog <= this.options.inputHighWaterBytes) return;
    this.inputPaused = true;
    this.ws.pause();
    void shell.inputDrained().then(() => {
      this.inputPaused = false;
      if (!this.closed) this.ws.resume();
    });
  }

  /** The first auth frame: a failure to open is the student's to read, then the socket closes. */
  private open(token: string, flow: 'ack' | undefined): void {
    void this.authenticate(token, flow).catch((error: unknown) => {
      this.log.error('terminal open failed', { sessionId: this.sessionId, error });
      this.socket.send({ type: 'error', message: `Le terminal n'a pas pu s'ouvrir : ${toUserError(error).message}` });
      this.ws.close(1011, 'erreur');
    });
  }

  private async authenticate(token: string, flow: 'ack' | undefined): Promise<void> {
    const { sessions, steps, terminals } = this.services;
    const found = sessions.authenticate(this.sessionId, token);
    if (!found) {
      this.socket.refuse('Jeton invalide ou session terminée : rechargez la page pour ouvrir une nouvelle session.');
      return;
    }
    this.session = found;
    this.socket.accept();
    if (flow === 'ack') this.flow.expectAcks();
    this.ownership.claim(this.sessionId);
    sessions.touch(found);
    // While the sandbox waits its turn, starts or gets the TP ready, the student sees where it is.
    let shown = '';
    const showProgress = () => {
      const message = progressMessage(found.state, sessions.ahead(found.id));
      if (message && message !== shown) this.socket.send({ type: 'status', message });
      shown = message ?? shown;
    };
    showProgress();
    this.socket.timers.interval('progress', 500, showProgress);
    // A TP whose set-up failed still gets its terminal, with the reason shown.
    let startFailed = false;
    await steps
      .whenReady(found)
      .catch((error: unknown) => {
        startFailed = found.startError !== undefined;
        this.socket.send({ type: 'error', message: toUserError(error).message });
      })
      .finally(() => this.socket.timers.clear('progress'));
    // Without a sandbox there is no shell to attach.
    if (startFailed) return;
    this.sendTime();
    if (this.closed) return;
    this.shell = terminals.shellFor(this.sessionId);
    // The attach takes the latest size itself.
    this.resizes.cancel();
    await this.shell.attach(this.viewer, this.size.cols, this.size.rows);
    this.socket.send({ type: 'ready' });
  }

  private keystrokes(data: Buffer): void {
    if (!this.session) {
      this.socket.refuse(authFirst);
      return;
    }
    // While the instructor holds the keyboard (the student agreed), the student's keys wait.
    const taken = this.ownership.keyboardTaken(this.sessionId);
    if (!taken) this.shell?.write(data);
    // Bookkeeping after the keys have left: their echo waits for nothing else.
    this.services.sessions.touch(this.session);
    terminalBytes.inc({ direction: 'in' }, data.length);
    if (!taken) this.inputBackpressure();
  }

  /** A frame the parser refused: an error once authenticated (within budget), a close before. */
  private refused(reason: string): void {
    if (!this.session) {
      this.socket.refuse(reason);
      return;
    }
    if (!this.budget.take()) this.overBudget(reason);
    else this.socket.send({ type: 'error', message: reason });
  }

  /** A control frame once authenticated; acks follow the output and are not budgeted. */
  private control(message: ClientMessage): void {
    if (message.type !== 'ack' && !this.budget.take()) {
      this.overBudget(message);
      return;
    }
    switch (message.type) {
      case 'auth':
        return;
      case 'resize':
        this.resize(message.cols, message.rows);
        return;
      case 'ack':
        this.flow.acknowledge(message.bytes);
        return;
      case 'ping':
        if (this.session) this.services.sessions.touch(this.session);
        this.socket.send({ type: 'pong' });
        return;
    }
  }

  private resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    // Before the shell is there, the size is kept for the attach.
    if (this.shell) this.resizes.push(this.size);
  }

  /**
   * A control frame past the budget is not served (no pong, no error), but a resize still
   * records its size, so that the page's final size wins. A page that keeps flooding is cut
   * off: even unserved, each frame is read and parsed on the thread every student shares.
   */
  private overBudget(message: ClientMessage | string): void {
    if (typeof message !== 'string' && message.type === 'resize') this.resize(message.cols, message.rows);
    if (this.budget.dropped <= this.options.maxDroppedControls) return;
    this.flooded = true;
    this.log.warn('terminal control flood', { sessionId: this.sessionId });
    this.socket.send({
      type: 'error',
      message: `Cette page envoie trop de messages de contrôle (plus de ${this.options.controlPerSecond} par seconde) : connexion coupée. Rechargez la page ; si cela se répète, prévenez votre formateur.`,
    });
    this.ws.close(controlFloodCloseCode, 'trop de messages de contrôle');
  }

  private closeDown(): void {
    this.closed = true;
    this.resizes.cancel();
    this.ownership.release(this.sessionId);
    this.shell?.detach(this.viewer);
  }
}

// The instructor's watch of a student's terminal (/ws/sessions/:id/watch): read-only unless handed the keyboard.
import type { WebSocket } from 'ws';
import {
  watchClientMessageSchema,
  type WatchClientMessage,
  type WatchServerMessage,
} from '../../../shared/contract.ts';
import { closeCodes, limits } from '../../../shared/limits.ts';
import type { Logger } from '../../log/log.ts';
import type { MemberRecord } from '../../progress/classes.ts';
import type { ShellViewer, TerminalShell } from '../../terminal/shell.ts';
import type { AppDeps, SessionServices } from '../deps.ts';
import { toUserError } from '../errors.ts';
import { parseFrame } from '../socket/frames.ts';
import { ServerSocket } from '../socket/socket.ts';

/** A watcher that does not keep up is dropped: the student's terminal never waits for it. */
const maxBufferedBytes = 4 * 1024 * 1024;

/** The instructor's text frames; a refused one gets an error, authenticated or not. */
const parse = parseFrame(watchClientMessageSchema, {
  maxBytes: limits.maxControlBytes,
  tooBig: `Message trop gros (${limits.maxControlBytes} octets au plus).`,
  unreadable: 'Message illisible : JSON attendu.',
  invalid: () => 'Message invalide : {"type":"auth"} ou {"type":"ping"} attendu.',
});

/** The student's current screen then live output; every watch is logged (watchStarted). */
export class WatchConnection {
  private readonly socket: ServerSocket<WatchClientMessage, WatchServerMessage>;
  private readonly ws: WebSocket;
  private readonly sessionId: string;
  private readonly deps: AppDeps;
  private readonly services: SessionServices;
  private readonly cookieToken: string | undefined;
  private member: MemberRecord | undefined;
  private shell: TerminalShell | undefined;
  private readonly viewer: ShellViewer;
  private lastReadOnlyNotice = 0;
  private readonly onControl = (learner: string, holder: 'student' | 'instructor') => {
    if (learner === this.member?.learner) this.send({ type: 'control', holder });
  };

  constructor(
    ws: WebSocket,
    sessionId: string,
    cookieToken: string | undefined,
    deps: AppDeps,
    services: SessionServices,
    log: Logger,
  ) {
    this.ws = ws;
    this.sessionId = sessionId;
    this.cookieToken = cookieToken;
    this.deps = deps;
    this.services = services;
    this.viewer = {
      output: (chunk) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > maxBufferedBytes) ws.terminate();
        else ws.send(chunk, { binary: true });
      },
      exited: () => this.send({ type: 'exit' }),
      restarted: () => this.send({ type: 'ready', ...(this.shell?.size ?? { cols: 80, rows: 24 }) }),
      failed: () => this.send({ type: 'error', message: 'Le shell de l’élève ne répond plus.' }),
      resized: (cols, rows) => this.send({ type: 'resize', cols, rows }),
    };
    this.socket = new ServerSocket(
      ws,
      {
        log,
        errorLog: { message: 'watch socket error' },
        // A watcher whose browser vanished stops counting as watching.
        heartbeatMs: 30_000,
        authDeadline: { ms: limits.authTimeoutSeconds * 1000, message: 'Pas d’authentification reçue à temps.' },
        refuseReason: 'refusé',
        parse,
      },
      {
        binary: (data) => this.keystrokes(data),
        refused: ({ reason }) => this.send({ type: 'error', message: reason }),
        authenticate: (message) => void this.authenticate(message.token),
        // The page may ping before its auth frame: that reads nothing of the student's.
        beforeAuth: (message) => this.message(message),
        message: (message) => this.message(message),
        closed: () => this.closeDown(),
      },
    );
  }

  private send(message: WatchServerMessage): void {
    this.socket.send(message);
  }

  /** The instructor's keys reach the shell only while the student has handed them the keyboard. */
  private keystrokes(data: Buffer): void {
    if (!this.member || !this.shell) return;
    if (this.deps.classroom.holdsControl(this.member.learner)) {
      const session = this.services.sessions.get(this.sessionId);
      if (session) this.services.sessions.touch(session);
      this.shell.write(data);
    } else if (Date.now() - this.lastReadOnlyNotice > 5000) {
      this.lastReadOnlyNotice = Date.now();
      this.send({
        type: 'error',
        message: 'Lecture seule : demandez la main à l’élève pour taper dans son terminal.',
      });
    }
  }

  /** Pings are answered; a later auth frame is ignored. */
  private message(message: WatchClientMessage): void {
    if (message.type === 'ping') this.send({ type: 'pong' });
  }

  private async authenticate(token: string | undefined): Promise<void> {
    const instructorToken = token ?? this.cookieToken;
    if (!instructorToken || !this.deps.instructor.tokenExpiry(instructorToken)) {
      this.socket.refuse('Réservé au formateur : reconnectez-vous sur /formateur/.');
      return;
    }
    const member = this.deps.classroom.sessionMember(this.sessionId);
    if (!member) {
      this.socket.refuse('Ce bac à sable n’appartient à aucun élève d’un cours.', closeCodes.ended);
      return;
    }
    this.member = member;
    this.socket.accept();
    this.deps.classroom.watchStarted(member);
    this.deps.classroom.on('control', this.onControl);
    try {
      const session = this.services.sessions.get(this.sessionId);
      if (session) await this.services.steps.whenReady(session);
      if (this.ws.readyState !== this.ws.OPEN) return;
      this.shell = this.services.terminals.shellFor(this.sessionId);
      await this.shell.watch(this.viewer);
      this.send({ type: 'ready', ...this.shell.size });
      this.send({
        type: 'control',
        holder: this.deps.classroom.holdsControl(member.learner) ? 'instructor' : 'student',
      });
    } catch (error) {
      this.send({ type: 'error', message: toUserError(error).message });
    }
  }

  private closeDown(): void {
    this.shell?.unwatch(this.viewer);
    this.deps.classroom.off('control', this.onControl);
    if (this.member) this.deps.classroom.watchEnded(this.member);
  }
}

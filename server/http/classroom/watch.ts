// Looking over a student's shoulder (/ws/sessions/:id/watch): the instructor gets the student's
// terminal, its current screen then live output, read-only; their keystrokes reach the shell
// only while the student has handed them the keyboard. Every watch is logged.
import type { WebSocket } from 'ws';
import { watchClientMessageSchema, type WatchServerMessage } from '../../../shared/contract.ts';
import { closeCodes, limits } from '../../../shared/limits.ts';
import type { Logger } from '../../log/log.ts';
import { websocketConnections } from '../../metrics/metrics.ts';
import type { MemberRecord } from '../../progress/classes.ts';
import type { ShellViewer, TerminalShell } from '../../terminal/shell.ts';
import type { AppDeps, SessionServices } from '../deps.ts';
import { toUserError } from '../errors.ts';
import { keepAlive } from '../heartbeat.ts';

/** A watcher that does not keep up is dropped: the student's terminal never waits for it. */
const maxBufferedBytes = 4 * 1024 * 1024;

/** The instructor's text frame, or why it is refused (French). */
function parse(text: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'Message illisible : JSON attendu.';
  }
  const parsed = watchClientMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : 'Message invalide : {"type":"auth"} ou {"type":"ping"} attendu.';
}

export class WatchConnection {
  private readonly ws: WebSocket;
  private readonly sessionId: string;
  private readonly deps: AppDeps;
  private readonly services: SessionServices;
  private readonly cookieToken: string | undefined;
  private readonly log: Logger;
  private member: MemberRecord | undefined;
  private shell: TerminalShell | undefined;
  private readonly viewer: ShellViewer;
  private readonly timers: NodeJS.Timeout[] = [];
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
    this.log = log;
    websocketConnections.inc();
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
    this.timers.push(
      setTimeout(
        () => this.refuse('Pas d’authentification reçue à temps.', closeCodes.authTimeout),
        limits.authTimeoutSeconds * 1000,
      ),
      // A watcher whose browser vanished stops counting as watching.
      keepAlive(ws, 30_000),
    );
    ws.on('message', (data: Buffer, isBinary: boolean) => void this.message(data, isBinary));
    ws.on('close', () => this.closeDown());
    ws.on('error', (error) => this.log.debug('watch socket error', { error }));
  }

  private send(message: WatchServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private refuse(message: string, code: number = closeCodes.unauthorized): void {
    this.send({ type: 'error', message });
    this.ws.close(code, 'refusé');
  }

  private async message(data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) {
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
      return;
    }
    if (data.length > limits.maxControlBytes) {
      this.send({ type: 'error', message: `Message trop gros (${limits.maxControlBytes} octets au plus).` });
      return;
    }
    const message = parse(data.toString('utf8'));
    if (typeof message === 'string') {
      this.send({ type: 'error', message });
      return;
    }
    if (message.type === 'ping') {
      this.send({ type: 'pong' });
      return;
    }
    if (this.member) return;
    clearTimeout(this.timers[0]);
    const token = message.token ?? this.cookieToken;
    if (!token || !this.deps.instructor.tokenExpiry(token)) {
      this.refuse('Réservé au formateur : reconnectez-vous sur /formateur/.');
      return;
    }
    const member = this.deps.classroom.sessionMember(this.sessionId);
    if (!member) {
      this.refuse('Ce bac à sable n’appartient à aucun élève d’un cours.', closeCodes.ended);
      return;
    }
    this.member = member;
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
    websocketConnections.dec();
    for (const timer of this.timers) clearTimeout(timer);
    this.shell?.unwatch(this.viewer);
    this.deps.classroom.off('control', this.onControl);
    if (this.member) this.deps.classroom.watchEnded(this.member);
  }
}

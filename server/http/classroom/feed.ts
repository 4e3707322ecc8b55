// The class feed WebSocket (/ws/classes/:id/feed): JSON text frames both ways. The first frame
// authenticates (the instructor by token or by the page's cookie, a student by their class's
// learner key); then the instructor drives the class (slides, goto, messages, end, keyboard)
// and students say where they are and answer keyboard requests.
import type { WebSocket } from 'ws';
import { feedClientMessageSchema, type FeedClientMessage, type FeedServerMessage } from '../../../shared/contract.ts';
import { classLimits, closeCodes, learnerKeyPattern, limits } from '../../../shared/limits.ts';
import type { Logger } from '../../log/log.ts';
import { websocketConnections } from '../../metrics/metrics.ts';
import type { FeedSubscriber } from '../../session/classroom.ts';
import type { AppDeps } from '../deps.ts';
import { toUserError } from '../errors.ts';
import { keepAlive } from '../heartbeat.ts';

/** Frames one feed may send per window; more close it (a page sends a few per minute). */
const frameWindowMs = 10_000;
const framesPerWindow = 60;
/** A page that does not read its feed is dropped rather than buffered without end. */
const maxBufferedBytes = 1024 * 1024;

function parse(text: string): FeedClientMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'Message illisible : JSON attendu.';
  }
  const parsed = feedClientMessageSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const type = (value as { type?: unknown } | null)?.type;
  const issue = parsed.error.issues[0];
  return typeof type === 'string'
    ? `Message « ${type.slice(0, 40)} » invalide : ${(issue?.message ?? 'champ invalide').slice(0, 200)}`
    : 'Message invalide : un objet JSON avec un champ « type » est attendu.';
}

export class ClassFeedConnection {
  private readonly ws: WebSocket;
  private readonly classId: string;
  private readonly deps: AppDeps;
  private readonly log: Logger;
  /** The instructor token the upgrade's cookie carried, if any. */
  private readonly cookieToken: string | undefined;
  private role: 'instructor' | 'student' | undefined;
  private learner: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private windowStart = Date.now();
  private frames = 0;

  constructor(ws: WebSocket, classId: string, cookieToken: string | undefined, deps: AppDeps, log: Logger) {
    this.ws = ws;
    this.classId = classId;
    this.cookieToken = cookieToken;
    this.deps = deps;
    this.log = log;
    websocketConnections.inc();
    this.timers.push(
      setTimeout(
        () => this.refuse('Pas d’authentification reçue à temps : rechargez la page.', closeCodes.authTimeout),
        limits.authTimeoutSeconds * 1000,
      ),
      keepAlive(ws, 30_000),
    );
    ws.on('message', (data: Buffer, isBinary: boolean) => this.message(data, isBinary));
    ws.on('close', () => this.closeDown());
    ws.on('error', (error) => this.log.debug('class feed error', { error }));
  }

  private send(message: FeedServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > maxBufferedBytes) {
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  private refuse(message: string, code: number = closeCodes.unauthorized): void {
    this.send({ type: 'error', message });
    this.ws.close(code, 'refusé');
  }

  private message(data: Buffer, isBinary: boolean): void {
    const now = Date.now();
    if (now - this.windowStart > frameWindowMs) {
      this.windowStart = now;
      this.frames = 0;
    }
    if (++this.frames > framesPerWindow) {
      this.refuse('Trop de messages en peu de temps : connexion coupée. Rechargez la page.', 1008);
      return;
    }
    if (isBinary || data.length > classLimits.maxFeedFrameBytes) {
      this.send({ type: 'error', message: `Messages texte JSON de ${classLimits.maxFeedFrameBytes} octets au plus.` });
      return;
    }
    const message = parse(data.toString('utf8'));
    if (typeof message === 'string') {
      if (this.role) this.send({ type: 'error', message });
      else this.refuse(message);
      return;
    }
    if (!this.role) {
      if (message.type !== 'auth') {
        this.refuse('Authentifiez-vous d’abord : premier message {"type":"auth", "key" ou "token"}.');
        return;
      }
      this.authenticate(message.token, message.key);
      return;
    }
    try {
      this.handle(message);
    } catch (error) {
      this.send({ type: 'error', message: toUserError(error).message });
    }
  }

  private authenticate(token: string | undefined, key: string | undefined): void {
    clearTimeout(this.timers[0]);
    const { classroom } = this.deps;
    let subscriber: FeedSubscriber;
    const instructorToken = token ?? (key === undefined ? this.cookieToken : undefined);
    if (instructorToken !== undefined) {
      if (!this.deps.instructor.tokenExpiry(instructorToken)) {
        this.refuse('Session formateur expirée ou inconnue : reconnectez-vous sur /formateur/.');
        return;
      }
      this.role = 'instructor';
      subscriber = this.subscriber('instructor');
    } else {
      const learner = key && learnerKeyPattern.test(key) ? this.deps.progress.learnerForKey(key) : undefined;
      const found = learner ? classroom.membership(learner) : undefined;
      if (!learner || !found || found.klass.id !== this.classId) {
        this.refuse('Cette clé n’appartient pas à ce cours : rejoignez-le avec son code sur /rejoindre/.');
        return;
      }
      if (found.klass.endedAt) {
        this.refuse('Ce cours est terminé.', closeCodes.ended);
        return;
      }
      this.role = 'student';
      this.learner = learner;
      subscriber = this.subscriber('student', learner);
    }
    try {
      this.unsubscribe = classroom.subscribe(this.classId, subscriber);
    } catch (error) {
      this.refuse(toUserError(error).message);
    }
  }

  private subscriber(role: 'instructor' | 'student', learner?: string): FeedSubscriber {
    return {
      role,
      ...(learner ? { learner } : {}),
      send: (message) => this.send(message),
      close: (code, reason) => this.ws.close(code, reason),
    };
  }

  private handle(message: FeedClientMessage): void {
    const { classroom } = this.deps;
    if (message.type === 'ping') {
      this.send({ type: 'pong' });
      return;
    }
    if (message.type === 'auth') return;
    if (this.role === 'student') {
      const learner = this.learner ?? '';
      switch (message.type) {
        case 'at':
          classroom.at(learner, message.lab, message.step);
          return;
        case 'control-answer':
          classroom.answerControl(learner, message.accepted);
          return;
        case 'control-release':
          classroom.releaseControl(this.classId, learner, 'student');
          return;
        default:
          this.send({ type: 'error', message: 'Réservé au formateur.' });
          return;
      }
    }
    switch (message.type) {
      case 'slide':
        classroom.slide(this.classId, message);
        return;
      case 'goto':
        classroom.goto(this.classId, message.lab, message.step);
        return;
      case 'message':
        classroom.message(this.classId, message.text);
        return;
      case 'end':
        classroom.end(this.classId, message.seconds);
        return;
      case 'control-request':
        classroom.requestControl(this.classId, message.learner);
        return;
      case 'control-release':
        if (message.learner) classroom.releaseControl(this.classId, message.learner, 'instructor');
        return;
      default:
        this.send({ type: 'error', message: 'Réservé aux élèves.' });
    }
  }

  private closeDown(): void {
    websocketConnections.dec();
    for (const timer of this.timers) clearTimeout(timer);
    this.unsubscribe?.();
  }
}

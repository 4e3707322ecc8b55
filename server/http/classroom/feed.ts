// The class feed WebSocket (/ws/classes/:id/feed): the instructor drives the class, students say where they are.
import type { WebSocket } from 'ws';
import { feedClientMessageSchema, type FeedClientMessage, type FeedServerMessage } from '../../../shared/contract.ts';
import { classLimits, closeCodes, learnerKeyPattern, limits } from '../../../shared/limits.ts';
import type { Logger } from '../../log/log.ts';
import type { FeedSubscriber } from '../../session/classroom.ts';
import type { AppDeps } from '../deps.ts';
import { toUserError } from '../errors.ts';
import { parseFrame, typeOf } from '../socket/frames.ts';
import { ServerSocket } from '../socket/socket.ts';

/** Frames one feed may send per window; more close it (a page sends a few per minute). */
const frameWindowMs = 10_000;
const framesPerWindow = 60;
/** A page that does not read its feed is dropped rather than buffered without end. */
const maxBufferedBytes = 1024 * 1024;

/** Binary frames get the same answer as text frames past the size limit. */
const textOnly = `Messages texte JSON de ${classLimits.maxFeedFrameBytes} octets au plus.`;

const parse = parseFrame(feedClientMessageSchema, {
  maxBytes: classLimits.maxFeedFrameBytes,
  tooBig: textOnly,
  unreadable: 'Message illisible : JSON attendu.',
  invalid: (value, error) => {
    const type = typeOf(value);
    const issue = error.issues[0];
    return typeof type === 'string'
      ? `Message « ${type.slice(0, 40)} » invalide : ${(issue?.message ?? 'champ invalide').slice(0, 200)}`
      : 'Message invalide : un objet JSON avec un champ « type » est attendu.';
  },
});

/**
 * The first frame authenticates: the instructor by token or by the page's cookie, a student by
 * their class's learner key; JSON text frames both ways.
 */
export class ClassFeedConnection {
  private readonly socket: ServerSocket<FeedClientMessage, FeedServerMessage>;
  private readonly classId: string;
  private readonly deps: AppDeps;
  /** The instructor token the upgrade's cookie carried, if any. */
  private readonly cookieToken: string | undefined;
  private role: 'instructor' | 'student' | undefined;
  private learner: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private windowStart = Date.now();
  private frames = 0;

  constructor(ws: WebSocket, classId: string, cookieToken: string | undefined, deps: AppDeps, log: Logger) {
    this.classId = classId;
    this.cookieToken = cookieToken;
    this.deps = deps;
    this.socket = new ServerSocket(
      ws,
      {
        log,
        errorLog: { message: 'class feed error' },
        heartbeatMs: 30_000,
        authDeadline: {
          ms: limits.authTimeoutSeconds * 1000,
          message: 'Pas d’authentification reçue à temps : rechargez la page.',
        },
        refuseReason: 'refusé',
        authFirst: 'Authentifiez-vous d’abord : premier message {"type":"auth", "key" ou "token"}.',
        maxBufferedBytes,
        parse,
      },
      {
        admit: () => this.withinRate(),
        binary: () => this.send({ type: 'error', message: textOnly }),
        refused: ({ reason, tooBig }) => {
          // A frame too big is not read at all: it gets an answer, even before authentication.
          if (this.role || tooBig) this.send({ type: 'error', message: reason });
          else this.socket.refuse(reason);
        },
        authenticate: (message) => this.authenticate(message.token, message.key),
        message: (message) => {
          try {
            this.handle(message);
          } catch (error) {
            this.send({ type: 'error', message: toUserError(error).message });
          }
        },
        closed: () => this.unsubscribe?.(),
      },
    );
  }

  private send(message: FeedServerMessage): void {
    this.socket.send(message);
  }

  /** Every frame counts, read or not: a flood is cut off before it is parsed. */
  private withinRate(): boolean {
    const now = Date.now();
    if (now - this.windowStart > frameWindowMs) {
      this.windowStart = now;
      this.frames = 0;
    }
    if (++this.frames <= framesPerWindow) return true;
    this.socket.refuse('Trop de messages en peu de temps : connexion coupée. Rechargez la page.', 1008);
    return false;
  }

  private authenticate(token: string | undefined, key: string | undefined): void {
    const { classroom } = this.deps;
    let subscriber: FeedSubscriber;
    const instructorToken = token ?? (key === undefined ? this.cookieToken : undefined);
    if (instructorToken !== undefined) {
      if (!this.deps.instructor.tokenExpiry(instructorToken)) {
        this.socket.refuse('Session formateur expirée ou inconnue : reconnectez-vous sur /formateur/.');
        return;
      }
      this.role = 'instructor';
      this.socket.accept();
      subscriber = this.subscriber('instructor');
    } else {
      const learner = key && learnerKeyPattern.test(key) ? this.deps.progress.learnerForKey(key) : undefined;
      const found = learner ? classroom.membership(learner) : undefined;
      if (!learner || !found || found.klass.id !== this.classId) {
        this.socket.refuse('Cette clé n’appartient pas à ce cours : rejoignez-le avec son code sur /rejoindre/.');
        return;
      }
      if (found.klass.endedAt) {
        this.socket.refuse('Ce cours est terminé.', closeCodes.ended);
        return;
      }
      this.role = 'student';
      this.socket.accept();
      this.learner = learner;
      subscriber = this.subscriber('student', learner);
    }
    try {
      this.unsubscribe = classroom.subscribe(this.classId, subscriber);
    } catch (error) {
      this.socket.refuse(toUserError(error).message);
    }
  }

  private subscriber(role: 'instructor' | 'student', learner?: string): FeedSubscriber {
    return {
      role,
      ...(learner ? { learner } : {}),
      send: (message) => this.send(message),
      close: (code, reason) => this.socket.ws.close(code, reason),
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
}

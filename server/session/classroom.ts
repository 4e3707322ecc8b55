// The classroom: classes and their members, the live state of each class (the instructor's
// slide, messages, the end countdown), each student's place and checks for the dashboard, and
// who watches or holds whose terminal. The class feed sockets subscribe here; the session
// layer's events (checks, help, terminals) come in here.
import { EventEmitter } from 'node:events';
import type {
  ClassInfo,
  Dashboard,
  DashboardStudent,
  FeedServerMessage,
  SlidePosition,
} from '../../shared/contract.ts';
import { closeCodes, classLimits, sandboxLabId } from '../../shared/limits.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import type { Logger } from '../log/log.ts';
import {
  ClassJoinError,
  isLegacyCode,
  type ClassRecord,
  type ClassStore,
  type MemberRecord,
} from '../progress/classes.ts';
import type { ProgressStore } from '../progress/store.ts';
import type { Session, SessionManager } from './manager.ts';
import { looksAlike } from './name-fold.ts';
import type { StepWorkflow } from './steps.ts';
import type { SessionTerminals } from './terminals.ts';

/** One open class feed: the instructor's page or a student's. */
export interface FeedSubscriber {
  role: 'instructor' | 'student';
  /** The student's learner id (students only). */
  learner?: string;
  send(message: FeedServerMessage): void;
  close(code: number, reason: string): void;
}

export class ClassNotFoundError extends Error {
  override name = 'ClassNotFoundError';
}
export class ClassEndedError extends Error {
  override name = 'ClassEndedError';
}
export { ClassJoinError };
/** Something the class does not allow (a TP outside the class, too many sessions). */
export class ClassRuleError extends Error {
  override name = 'ClassRuleError';
  /** `address`: the sandboxes of the members joined from one address are at their bound. */
  readonly reason: 'lab' | 'sessions' | 'unknown-lab' | 'unknown-deck' | 'ends-at' | 'step' | 'address';
  constructor(reason: ClassRuleError['reason'], message: string = reason) {
    super(message);
    this.reason = reason;
  }
}

interface LiveClass {
  subscribers: Set<FeedSubscriber>;
  slide?: SlidePosition;
  message?: { text: string; at: string };
  endTimer?: NodeJS.Timeout;
  /** Pushes of changed rows waiting (a burst of events makes one push per student). */
  pending: Set<string>;
  flush?: NodeJS.Timeout;
}

interface SessionServicesLike {
  sessions: SessionManager;
  steps: StepWorkflow;
  terminals: SessionTerminals;
}

export interface ClassroomDeps {
  store: ClassStore;
  progress: ProgressStore;
  labs: Map<string, Lab>;
  decks: Set<string>;
  defaultDeck: string;
  log: Logger;
  /**
   * Class members one client address may hold in all running classes (CLASS_MEMBERS_PER_CLIENT),
   * and sandboxes those members may hold together: a class behind one school's NAT fits, one
   * address making up members to get more sandboxes than its own share does not go further.
   */
  membersPerClient?: number;
}

function secondsUntil(date: string): number {
  return Math.max(0, Math.round((Date.parse(date) - Date.now()) / 1000));
}

/** A recent message is shown to students who connect after it was sent. */
const messageReplayMs = 15 * 60 * 1000;
/** Row changes are gathered this long before they are pushed to the dashboard. */
const pushDelayMs = 50;

export class Classroom extends EventEmitter<{ control: [learner: string, holder: 'student' | 'instructor'] }> {
  private readonly deps: ClassroomDeps;
  private readonly live = new Map<string, LiveClass>();
  private services: SessionServicesLike | undefined;
  /** Learners whose keyboard the instructor holds. */
  private readonly control = new Set<string>();
  /** Learners the instructor asked for the keyboard, waiting for their answer. */
  private readonly controlAsked = new Set<string>();
  /** Watch sockets open per learner. */
  private readonly watchers = new Map<string, number>();

  constructor(deps: ClassroomDeps) {
    super();
    this.deps = deps;
  }

  /** Schedules the end of every class still running (after a restart too). */
  start(): void {
    for (const klass of this.deps.store.live()) {
      if (isLegacyCode(klass.code)) {
        // A four-character code is guessable (shared/limits.ts): the class gets a long one,
        // shown on the instructor's dashboard; members already in keep their keys.
        const code = this.deps.store.reissueCode(klass.id);
        this.deps.log.info('class code lengthened', { classId: klass.id, code });
      }
      this.scheduleEnd(klass);
    }
  }

  private get membersPerClient(): number {
    return this.deps.membersPerClient ?? classLimits.membersPerClient;
  }

  /** The session layer, when a Docker engine answers: checks, help and terminals feed the dashboard. */
  attach(services: SessionServicesLike): void {
    this.services = services;
    services.steps.on('checked', (session, labId, stepId, result) => {
      const member = this.memberOfSession(session);
      if (!member) return;
      this.deps.store.recordCheck(member.learner, labId, stepId, result);
      if (member.lab !== labId || member.step !== stepId) this.deps.store.setPosition(member.learner, labId, stepId);
      this.changed(member.classId, member.learner, true);
    });
    services.steps.on('help', (session) => {
      const member = this.memberOfSession(session);
      if (member) this.changed(member.classId, member.learner);
    });
    services.terminals.on('connection', (sessionId) => {
      const session = services.sessions.get(sessionId);
      const member = session ? this.memberOfSession(session) : undefined;
      if (member) this.changed(member.classId, member.learner);
    });
    services.sessions.on('ended', () => {
      // A session's end changes its student's row (no live session any more): cheap to redo all.
      for (const [classId, live] of this.live) {
        if ([...live.subscribers].some((s) => s.role === 'instructor')) this.pushDashboard(classId);
      }
    });
  }

  stop(): void {
    for (const live of this.live.values()) {
      clearTimeout(live.endTimer);
      clearTimeout(live.flush);
    }
  }

  // ---- Classes -----------------------------------------------------------------------------

  create(input: { title: string; deck?: string; labs: string[]; seats: number; endsAt?: string }): ClassRecord {
    const labs = [...new Set(input.labs)];
    const unknown = labs.find((lab) => !this.deps.labs.has(lab));
    if (unknown) {
      throw new ClassRuleError(
        'unknown-lab',
        `TP inconnu : « ${unknown.slice(0, 60)} ». TP disponibles : ${[...this.deps.labs.keys()].join(', ')}.`,
      );
    }
    const deck = input.deck ?? this.deps.defaultDeck;
    if (!this.deps.decks.has(deck)) {
      throw new ClassRuleError(
        'unknown-deck',
        `Diaporama inconnu : « ${deck.slice(0, 60)} ». Disponibles : ${[...this.deps.decks].join(', ')}.`,
      );
    }
    const now = Date.now();
    const endsAt = input.endsAt ? new Date(input.endsAt) : new Date(now + 8 * 3600 * 1000);
    if (endsAt.getTime() <= now + 60_000 || endsAt.getTime() > now + classLimits.maxHours * 3600 * 1000) {
      throw new ClassRuleError(
        'ends-at',
        `Heure de fin invalide : elle doit tomber entre dans une minute et dans ${classLimits.maxHours / 24} jours.`,
      );
    }
    const klass = this.deps.store.create({ title: input.title, deck, labs, seats: input.seats, endsAt });
    this.deps.log.info('class created', { classId: klass.id, labs, seats: klass.seats });
    this.scheduleEnd(klass);
    // Its students find their sandboxes warm: as many as its seats, within the session cap.
    this.services?.sessions.prewarm(klass.seats);
    return klass;
  }

  get(id: string): ClassRecord {
    const klass = this.deps.store.get(id);
    if (!klass) throw new ClassNotFoundError(id);
    return klass;
  }

  list(): ClassRecord[] {
    return this.deps.store.list();
  }

  info(klass: ClassRecord): ClassInfo {
    return {
      id: klass.id,
      code: klass.code,
      title: klass.title,
      deck: klass.deck,
      labs: klass.labs,
      endsAt: klass.endsAt,
      ...(klass.endedAt ? { endedAt: klass.endedAt } : {}),
      ...(klass.locked ? { locked: true } : {}),
    };
  }

  members(classId: string): MemberRecord[] {
    return this.deps.store.members(classId);
  }

  memberCount(classId: string): number {
    return this.deps.store.memberCount(classId);
  }

  /** A new member, from the client `address` (an IPv4 address or an IPv6 /64). */
  join(
    code: string,
    name: string,
    address: string,
  ): { klass: ClassRecord; learner: string; key: string; recoveryCode: string } {
    const klass = this.deps.store.byCode(code);
    if (!klass) throw new ClassNotFoundError(code);
    if (klass.endedAt) throw new ClassEndedError(klass.id);
    const joined = this.deps.store.join(klass, name, {
      alike: (memberName) => looksAlike(name, memberName),
      address,
      membersPerAddress: this.membersPerClient,
    });
    this.deps.log.info('class joined', { classId: klass.id, learner: joined.learner });
    this.pushDashboard(klass.id);
    return { klass, ...joined };
  }

  recover(code: string, recoveryCode: string): { klass: ClassRecord; member: MemberRecord; key: string } {
    const klass = this.deps.store.byCode(code);
    if (!klass) throw new ClassNotFoundError(code);
    if (klass.endedAt) throw new ClassEndedError(klass.id);
    const found = this.deps.store.recover(klass.id, recoveryCode);
    if (!found) throw new ClassNotFoundError(code);
    this.deps.store.audit(klass.id, found.member.learner, 'recovered');
    // The old key no longer works: the pages it opened stop hearing the class too.
    this.closeFeeds(found.member.learner, {
      message: 'Votre place dans ce cours a été reprise sur un autre navigateur : cette page ne suit plus le cours.',
      code: closeCodes.replaced,
      reason: 'place reprise',
    });
    return { klass, ...found };
  }

  // ---- The instructor's hand on the members ------------------------------------------------

  private memberOf(classId: string, learner: string): MemberRecord {
    const member = this.deps.store.member(learner);
    if (!member || member.classId !== classId) throw new ClassNotFoundError(learner);
    return member;
  }

  /**
   * Takes a member out of the class: their key is revoked, their pages are told and closed,
   * their sandboxes removed, their place and results forgotten.
   */
  async removeMember(classId: string, learner: string): Promise<void> {
    const klass = this.get(classId);
    const member = this.memberOf(classId, learner);
    this.deps.store.remove(learner);
    this.deps.store.audit(classId, learner, 'removed');
    this.deps.log.info('class member removed', { classId, learner });
    this.closeFeeds(learner, {
      message: `Le formateur vous a retiré du cours « ${klass.title} ». Demandez-lui le code pour le rejoindre à nouveau.`,
      code: closeCodes.ended,
      reason: 'retiré du cours',
    });
    this.control.delete(learner);
    this.controlAsked.delete(learner);
    const sessions = this.services?.sessions;
    if (sessions) {
      await Promise.allSettled(sessions.ofLearner(member.learner).map((s) => sessions.destroy(s.id, 'deleted')));
    }
    this.pushDashboard(classId);
  }

  /** Gives a member another name (one too like a classmate's is refused, as at join). */
  renameMember(classId: string, learner: string, name: string): MemberRecord {
    this.memberOf(classId, learner);
    const renamed = this.deps.store.rename(learner, name, (other) => looksAlike(name, other));
    this.deps.store.audit(classId, learner, 'renamed');
    this.pushDashboard(classId);
    return renamed;
  }

  /** Keeps new students out of the class (locked), or lets them in again. */
  setLocked(classId: string, locked: boolean): void {
    const klass = this.get(classId);
    if (klass.endedAt) throw new ClassEndedError(classId);
    this.deps.store.setLocked(classId, locked);
    this.deps.store.audit(classId, null, locked ? 'locked' : 'unlocked');
    this.pushDashboard(classId);
  }

  /** Says why, then closes every class feed a learner has open (in any class). */
  private closeFeeds(learner: string, how: { message: string; code: number; reason: string }): void {
    for (const [classId, live] of this.live) {
      const theirs = [...live.subscribers].filter((s) => s.role === 'student' && s.learner === learner);
      for (const subscriber of theirs) {
        live.subscribers.delete(subscriber);
        subscriber.send({ type: 'ended', message: how.message });
        subscriber.close(how.code, how.reason);
      }
      if (theirs.length > 0) this.pushPresence(classId);
    }
  }

  /** The class a learner belongs to, with their member record; undefined for self-paced learners. */
  membership(learner: string): { klass: ClassRecord; member: MemberRecord } | undefined {
    const member = this.deps.store.member(learner);
    const klass = member ? this.deps.store.get(member.classId) : undefined;
    return member && klass ? { klass, member } : undefined;
  }

  private memberOfSession(session: Session): MemberRecord | undefined {
    return session.learnerId ? this.deps.store.member(session.learnerId) : undefined;
  }

  /**
   * Whether a class member may open a session for `labId` now: the class is running, the TP is
   * one of the class's (or the bare sandbox), and the member holds fewer than their share.
   */
  admitSession(learner: string, labId: string, sandboxLabId: string): void {
    const found = this.membership(learner);
    if (!found) return;
    if (found.klass.endedAt) throw new ClassEndedError(found.klass.id);
    if (labId !== sandboxLabId && !found.klass.labs.includes(labId)) {
      throw new ClassRuleError('lab', `Ce TP ne fait pas partie du cours « ${found.klass.title} ».`);
    }
    const held = this.services?.sessions.ofLearner(learner).length ?? 0;
    if (held >= classLimits.sessionsPerMember) {
      throw new ClassRuleError(
        'sessions',
        `Vous avez déjà ${held} bacs à sable ouverts : fermez un onglet de TP (ou « Réinitialiser ») avant d’en ouvrir un autre.`,
      );
    }
    // The members joined from one address share one bound, so that members made up by one
    // address never hold more sandboxes than CLASS_MEMBERS_PER_CLIENT allows.
    const address = this.deps.store.joinedFrom(learner);
    const sessions = this.services?.sessions;
    if (address === undefined || !sessions) return;
    const together = this.deps.store
      .membersFrom(address)
      .reduce((n, member) => n + sessions.ofLearner(member).length, 0);
    if (together >= this.membersPerClient) {
      throw new ClassRuleError(
        'address',
        `Les élèves inscrits depuis votre réseau ont déjà ${together} bacs à sable ouverts (${this.membersPerClient} au plus) : fermez un onglet de TP inutilisé, ou demandez au formateur.`,
      );
    }
  }

  // ---- Live state: position, feed ----------------------------------------------------------

  private liveOf(classId: string): LiveClass {
    let live = this.live.get(classId);
    if (!live) {
      live = { subscribers: new Set(), pending: new Set() };
      this.live.set(classId, live);
    }
    return live;
  }

  /** Adds a feed socket; sends what it must know at once (the slide, a recent message, the dashboard). */
  subscribe(classId: string, subscriber: FeedSubscriber): () => void {
    const klass = this.get(classId);
    const live = this.liveOf(classId);
    // A student with many tabs is fine; one opening sockets in a loop is not.
    const same = [...live.subscribers].filter((s) => s.role === subscriber.role && s.learner === subscriber.learner);
    if (same.length >= (subscriber.role === 'student' ? classLimits.feedsPerMember : classLimits.feedsPerInstructor)) {
      throw new ClassRuleError(
        'sessions',
        'Trop de pages du cours ouvertes à la fois : fermez-en quelques-unes, puis rechargez.',
      );
    }
    live.subscribers.add(subscriber);
    subscriber.send({ type: 'ready', role: subscriber.role, class: this.info(klass) });
    if (subscriber.role === 'student') {
      if (live.slide) subscriber.send({ type: 'slide', ...live.slide });
      if (live.message && Date.now() - Date.parse(live.message.at) < messageReplayMs) {
        subscriber.send({ type: 'message', ...live.message });
      }
      const learner = subscriber.learner ?? '';
      if ((this.watchers.get(learner) ?? 0) > 0) subscriber.send({ type: 'watched', watching: true });
      if (this.control.has(learner)) subscriber.send({ type: 'control', learner, holder: 'instructor' });
      if (this.controlAsked.has(learner)) subscriber.send({ type: 'control-request' });
    } else {
      subscriber.send({ type: 'dashboard', ...this.dashboard(classId) });
    }
    if (live.endTimer && Date.parse(klass.endsAt) - Date.now() <= classLimits.maxEndSeconds * 1000) {
      subscriber.send({ type: 'ending', at: klass.endsAt, seconds: secondsUntil(klass.endsAt) });
    }
    if (subscriber.role === 'student') this.pushPresence(classId);
    else subscriber.send({ type: 'presence', students: this.followers(classId) });
    return () => {
      live.subscribers.delete(subscriber);
      if (subscriber.role === 'student') this.pushPresence(classId);
    };
  }

  private broadcast(classId: string, message: FeedServerMessage, to: 'all' | 'students' | 'instructors' = 'all'): void {
    const live = this.live.get(classId);
    if (!live) return;
    for (const subscriber of live.subscribers) {
      if (to === 'all' || (to === 'students') === (subscriber.role === 'student')) subscriber.send(message);
    }
  }

  private toStudent(classId: string, learner: string, message: FeedServerMessage): number {
    let sent = 0;
    for (const subscriber of this.live.get(classId)?.subscribers ?? []) {
      if (subscriber.role === 'student' && subscriber.learner === learner) {
        subscriber.send(message);
        sent++;
      }
    }
    return sent;
  }

  /** Who follows the class's slides now (students with a feed open). */
  followers(classId: string): number {
    let n = 0;
    for (const subscriber of this.live.get(classId)?.subscribers ?? []) if (subscriber.role === 'student') n++;
    return n;
  }

  private pushPresence(classId: string): void {
    this.broadcast(classId, { type: 'presence', students: this.followers(classId) }, 'instructors');
  }

  slide(classId: string, position: SlidePosition): void {
    const klass = this.get(classId);
    if (position.deck !== klass.deck) return;
    this.liveOf(classId).slide = position;
    this.broadcast(classId, { type: 'slide', ...position }, 'students');
  }

  goto(classId: string, lab: string, step: string): void {
    const klass = this.get(classId);
    if (klass.endedAt) throw new ClassEndedError(classId);
    if (!klass.labs.includes(lab) || !this.deps.labs.get(lab)?.steps.some((s) => s.id === step)) {
      throw new ClassRuleError(
        'step',
        `Étape inconnue dans les TP du cours : ${lab.slice(0, 60)} / ${step.slice(0, 60)}.`,
      );
    }
    this.broadcast(classId, { type: 'goto', lab, step, at: new Date().toISOString() }, 'students');
  }

  message(classId: string, text: string): void {
    const klass = this.get(classId);
    if (klass.endedAt) throw new ClassEndedError(classId);
    const message = { text, at: new Date().toISOString() };
    this.liveOf(classId).message = message;
    this.broadcast(classId, { type: 'message', ...message });
  }

  /**
   * A student's page says which step it shows: one of the class's TPs (a real step of it, or
   * none yet), or the bare sandbox. Anything else is ignored: the dashboard shows only what is.
   */
  at(learner: string, lab: string, step: string | null): void {
    const found = this.membership(learner);
    if (!found || found.klass.endedAt) return;
    if (lab === sandboxLabId) {
      if (step !== null) return;
    } else {
      if (!found.klass.labs.includes(lab)) return;
      if (step !== null && !this.deps.labs.get(lab)?.steps.some((s) => s.id === step)) return;
    }
    if (found.member.lab === lab && found.member.step === step) return;
    this.deps.store.setPosition(learner, lab, step);
    this.changed(found.klass.id, learner);
  }

  // ---- End of class ------------------------------------------------------------------------

  /** Ends the class after a countdown (0: at once); the students see it ticking. */
  end(classId: string, seconds: number): Date {
    const klass = this.get(classId);
    if (klass.endedAt) throw new ClassEndedError(classId);
    const endsAt = new Date(Date.now() + seconds * 1000);
    this.deps.store.setEndsAt(classId, endsAt);
    this.deps.store.audit(classId, null, `end-in-${seconds}s`);
    this.scheduleEnd({ ...klass, endsAt: endsAt.toISOString() });
    this.broadcast(classId, { type: 'ending', at: endsAt.toISOString(), seconds });
    return endsAt;
  }

  private scheduleEnd(klass: ClassRecord): void {
    const live = this.liveOf(klass.id);
    clearTimeout(live.endTimer);
    // setTimeout holds at most about 24 days; classes last at most a week.
    const delay = Math.max(0, Math.min(Date.parse(klass.endsAt) - Date.now(), 2 ** 31 - 1));
    live.endTimer = setTimeout(() => void this.finish(klass.id), delay);
    live.endTimer.unref();
  }

  private async finish(classId: string): Promise<void> {
    const klass = this.deps.store.get(classId);
    if (!klass || klass.endedAt) return;
    this.deps.store.markEnded(classId);
    this.deps.log.info('class ended', { classId });
    const message = 'Le cours est terminé : merci ! Vos bacs à sable ont été supprimés ; votre progression est gardée.';
    const live = this.liveOf(classId);
    for (const subscriber of live.subscribers) {
      subscriber.send({ type: 'ended', message });
      if (subscriber.role === 'student') subscriber.close(closeCodes.ended, 'cours terminé');
    }
    const sessions = this.services?.sessions;
    if (sessions) {
      const ended = this.deps.store
        .members(classId)
        .flatMap((member) => sessions.ofLearner(member.learner))
        .map((session) => sessions.destroy(session.id, 'class-ended'));
      await Promise.allSettled(ended);
    }
    for (const member of this.deps.store.members(classId)) {
      this.control.delete(member.learner);
      this.controlAsked.delete(member.learner);
    }
    this.pushDashboard(classId);
  }

  // ---- Watching and taking the keyboard ----------------------------------------------------

  /** The class member whose live session this is. */
  sessionMember(sessionId: string): MemberRecord | undefined {
    const session = this.services?.sessions.get(sessionId);
    return session ? this.memberOfSession(session) : undefined;
  }

  watchStarted(member: MemberRecord): void {
    const count = (this.watchers.get(member.learner) ?? 0) + 1;
    this.watchers.set(member.learner, count);
    this.deps.store.audit(member.classId, member.learner, 'watch-start');
    this.deps.log.info('terminal watched', { classId: member.classId, learner: member.learner });
    if (count === 1) this.toStudent(member.classId, member.learner, { type: 'watched', watching: true });
  }

  watchEnded(member: MemberRecord): void {
    const count = Math.max(0, (this.watchers.get(member.learner) ?? 1) - 1);
    this.deps.store.audit(member.classId, member.learner, 'watch-end');
    if (count > 0) {
      this.watchers.set(member.learner, count);
      return;
    }
    this.watchers.delete(member.learner);
    // Nobody watching holds no keyboard.
    if (this.control.has(member.learner)) this.releaseControl(member.classId, member.learner, 'instructor');
    this.controlAsked.delete(member.learner);
    this.toStudent(member.classId, member.learner, { type: 'watched', watching: false });
  }

  /** Whether the instructor holds the keyboard of this session's student. */
  keyboardTaken(sessionId: string): boolean {
    if (this.control.size === 0) return false;
    const learner = this.services?.sessions.get(sessionId)?.learnerId;
    return learner ? this.control.has(learner) : false;
  }

  requestControl(classId: string, learner: string): void {
    const member = this.deps.store.member(learner);
    if (!member || member.classId !== classId) throw new ClassNotFoundError(learner);
    if (this.control.has(learner)) return;
    if ((this.watchers.get(learner) ?? 0) === 0) {
      throw new ClassRuleError('sessions', 'Regardez d’abord le terminal de l’élève, puis demandez-lui la main.');
    }
    this.controlAsked.add(learner);
    this.deps.store.audit(classId, learner, 'control-requested');
    const reached = this.toStudent(classId, learner, { type: 'control-request' });
    if (reached === 0) {
      this.controlAsked.delete(learner);
      this.broadcast(classId, { type: 'control-answer', learner, accepted: false }, 'instructors');
      throw new ClassRuleError('sessions', 'L’élève n’a pas sa page de TP ouverte : il ne peut pas accepter.');
    }
  }

  answerControl(learner: string, accepted: boolean): void {
    const found = this.membership(learner);
    if (!found || !this.controlAsked.delete(learner)) return;
    const classId = found.klass.id;
    this.deps.store.audit(classId, learner, accepted ? 'control-granted' : 'control-refused');
    this.broadcast(classId, { type: 'control-answer', learner, accepted }, 'instructors');
    if (!accepted) return;
    this.control.add(learner);
    this.emit('control', learner, 'instructor');
    this.deps.log.info('keyboard taken over', { classId, learner });
    this.broadcast(classId, { type: 'control', learner, holder: 'instructor' }, 'instructors');
    this.toStudent(classId, learner, { type: 'control', learner, holder: 'instructor' });
    this.changed(classId, learner);
  }

  releaseControl(classId: string, learner: string, by: 'student' | 'instructor'): void {
    this.controlAsked.delete(learner);
    if (!this.control.delete(learner)) return;
    this.emit('control', learner, 'student');
    this.deps.store.audit(classId, learner, `control-released-by-${by}`);
    this.broadcast(classId, { type: 'control', learner, holder: 'student' }, 'instructors');
    this.toStudent(classId, learner, { type: 'control', learner, holder: 'student' });
    this.changed(classId, learner);
  }

  holdsControl(learner: string): boolean {
    return this.control.has(learner);
  }

  // ---- Dashboard ---------------------------------------------------------------------------

  private changed(classId: string, learner: string, withFailures = false): void {
    const live = this.live.get(classId);
    if (!live || ![...live.subscribers].some((s) => s.role === 'instructor')) return;
    live.pending.add(learner);
    if (withFailures) live.pending.add('');
    live.flush ??= setTimeout(() => {
      live.flush = undefined;
      const learners = [...live.pending];
      live.pending.clear();
      this.pushRows(classId, learners);
    }, pushDelayMs);
  }

  private pushRows(classId: string, learners: string[]): void {
    const data = this.classData(classId);
    for (const learner of learners) {
      const member = data.members.find((m) => m.learner === learner);
      if (member) this.broadcast(classId, { type: 'student', student: this.row(member, data) }, 'instructors');
    }
    if (learners.includes(''))
      this.broadcast(classId, { type: 'failures', failures: this.failures(data) }, 'instructors');
  }

  private pushDashboard(classId: string): void {
    const live = this.live.get(classId);
    if (!live || ![...live.subscribers].some((s) => s.role === 'instructor')) return;
    this.broadcast(classId, { type: 'dashboard', ...this.dashboard(classId) }, 'instructors');
  }

  private classData(classId: string) {
    return {
      members: this.deps.store.members(classId),
      checks: this.deps.store.checks(classId),
      help: this.deps.store.help(classId),
    };
  }

  private row(member: MemberRecord, data: ReturnType<Classroom['classData']>): DashboardStudent {
    const lab = member.lab;
    const checks = data.checks.filter((c) => c.learner === member.learner);
    const last = checks.reduce<(typeof checks)[number] | undefined>(
      (a, c) => (!a || c.lastAt > a.lastAt ? c : a),
      undefined,
    );
    const passed = lab
      ? this.deps.progress
          .forLearner(member.learner)
          .filter((p) => p.labId === lab)
          .map((p) => p.stepId)
      : [];
    const help = data.help.filter((h) => h.learner === member.learner && h.lab === lab);
    const sessions = this.services?.sessions.ofLearner(member.learner) ?? [];
    const session = sessions.find((s) => s.labId === lab) ?? sessions[0];
    return {
      learner: member.learner,
      name: member.name,
      lab,
      step: member.step,
      stepSince: member.stepSince,
      passed,
      lastCheck: last
        ? {
            lab: last.lab,
            step: last.step,
            passed: last.lastPassed,
            message: last.lastMessage,
            at: last.lastAt,
            evidence: last.lastEvidence,
          }
        : null,
      hints: help.reduce((n, h) => n + h.hints, 0),
      solutions: help.reduce((n, h) => n + h.solutions, 0),
      connected: session ? (this.services?.terminals.isConnected(session.id) ?? false) : false,
      session: session?.id ?? null,
      control: this.control.has(member.learner),
    };
  }

  /** Per step, the students whose last check failed, grouped by the message they read. */
  private failures(data: ReturnType<Classroom['classData']>): Dashboard['failures'] {
    const names = new Map(data.members.map((m) => [m.learner, m.name]));
    const groups = new Map<string, Dashboard['failures'][number]>();
    for (const check of data.checks) {
      if (check.lastPassed || check.passedAt) continue;
      const key = `${check.lab}\u0000${check.step}\u0000${check.lastMessage}`;
      const group = groups.get(key) ?? {
        lab: check.lab,
        step: check.step,
        message: check.lastMessage,
        count: 0,
        names: [],
      };
      group.count++;
      group.names.push(names.get(check.learner) ?? '?');
      groups.set(key, group);
    }
    return [...groups.values()].sort((a, b) => b.count - a.count || a.step.localeCompare(b.step));
  }

  dashboard(classId: string): Dashboard {
    const klass = this.get(classId);
    const data = this.classData(classId);
    return {
      class: this.info(klass),
      students: data.members.map((member) => this.row(member, data)),
      failures: this.failures(data),
    };
  }

  /** One row per student and step they worked on, with times, for the CSV export. */
  results(classId: string): string[][] {
    const data = this.classData(classId);
    const names = new Map(data.members.map((m) => [m.learner, m.name]));
    const help = new Map(data.help.map((h) => [`${h.learner}\u0000${h.lab}\u0000${h.step}`, h]));
    const titles = (lab: string, step: string) =>
      this.deps.labs.get(lab)?.steps.find((s) => s.id === step)?.title ?? step;
    const rows = data.checks
      .map((c) => {
        const shown = help.get(`${c.learner}\u0000${c.lab}\u0000${c.step}`);
        const seconds = c.passedAt ? Math.round((Date.parse(c.passedAt) - Date.parse(c.firstAt)) / 1000) : '';
        return [
          names.get(c.learner) ?? '',
          c.lab,
          c.step,
          titles(c.lab, c.step),
          c.passedAt ? 'oui' : 'non',
          String(c.attempts),
          c.firstAt,
          c.passedAt ?? '',
          String(seconds),
          String(shown?.hints ?? 0),
          String(shown?.solutions ?? 0),
          c.lastPassed ? '' : c.lastMessage,
          c.lastEvidence.join(' ; '),
        ];
      })
      .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '', 'fr') || (a[6] ?? '').localeCompare(b[6] ?? ''));
    return [
      [
        'élève',
        'tp',
        'étape',
        'titre',
        'réussie',
        'vérifications',
        'première vérification',
        'réussie à',
        'secondes jusqu’à la réussite',
        'indices',
        'solutions',
        'dernier message d’échec',
        'preuves de la dernière vérification',
      ],
      ...rows,
    ];
  }
}

// The classroom facade: ties registry, feed hub, end clock, keyboard and dashboard so each change reaches its pages.
import { EventEmitter } from 'node:events';
import type { ClassInfo, Dashboard, SlidePosition } from '../../shared/contract.ts';
import { closeCodes, classLimits } from '../../shared/limits.ts';
import type { ClassRecord, MemberRecord } from '../progress/classes.ts';
import { ClassRuleError } from './class-errors.ts';
import { classEndedMessage, EndClock, secondsUntil } from './class-ending.ts';
import { ClassFeedHub, failuresChanged, type FeedSubscriber } from './class-feed-hub.ts';
import { ClassRegistry, type ClassroomDeps } from './class-registry.ts';
import {
  commonFailures,
  dashboardOf,
  dashboardRow,
  idleMember,
  resultRows,
  type ClassRecords,
  type MemberLive,
} from './dashboard-projection.ts';
import { KeyboardControl } from './keyboard-control.ts';
import type { SessionManager } from './manager.ts';
import type { StepWorkflow } from './steps.ts';
import type { SessionTerminals } from './terminals.ts';

// The names other modules import from here.
export { ClassEndedError, ClassJoinError, ClassNotFoundError, ClassRuleError } from './class-errors.ts';
export type { FeedSubscriber } from './class-feed-hub.ts';
export type { ClassroomDeps } from './class-registry.ts';

interface SessionServicesLike {
  sessions: SessionManager;
  steps: StepWorkflow;
  terminals: SessionTerminals;
}

/** A recent message is shown to students who connect after it was sent. */
const messageReplayMs = 15 * 60 * 1000;

/**
 * The one object the HTTP layer and the session layer talk to about classes: the class registry
 * (class-registry.ts), the feed sockets (class-feed-hub.ts), the end of classes (class-ending.ts),
 * the keyboard (keyboard-control.ts) and the dashboard's projection (dashboard-projection.ts).
 */
export class Classroom extends EventEmitter<{ control: [learner: string, holder: 'student' | 'instructor'] }> {
  private readonly deps: ClassroomDeps;
  private readonly registry: ClassRegistry;
  private readonly hub = new ClassFeedHub();
  private readonly clock = new EndClock((classId) => void this.finish(classId));
  private readonly keyboard: KeyboardControl;
  private services: SessionServicesLike | undefined;

  constructor(deps: ClassroomDeps) {
    super();
    this.deps = deps;
    this.registry = new ClassRegistry(deps);
    this.keyboard = new KeyboardControl({
      store: deps.store,
      log: deps.log,
      hub: this.hub,
      classOf: (learner) => this.registry.membership(learner)?.klass.id,
      changed: (classId, learner) => this.changed(classId, learner),
      emit: (learner, holder) => this.emit('control', learner, holder),
    });
  }

  /** Schedules the end of every class still running (after a restart too). */
  start(): void {
    for (const klass of this.registry.lengthenLegacyCodes()) this.clock.schedule(klass);
  }

  /** The session layer, when a Docker engine answers: checks, help and terminals feed the dashboard. */
  attach(services: SessionServicesLike): void {
    this.services = services;
    services.steps.on('checked', (session, labId, stepId, result) => {
      const member = this.registry.memberOfSession(session);
      if (!member) return;
      this.deps.store.recordCheck(member.learner, labId, stepId, result);
      if (member.lab !== labId || member.step !== stepId) this.deps.store.setPosition(member.learner, labId, stepId);
      this.changed(member.classId, member.learner, true);
    });
    services.steps.on('help', (session) => {
      const member = this.registry.memberOfSession(session);
      if (member) this.changed(member.classId, member.learner);
    });
    services.terminals.on('connection', (sessionId) => {
      const member = this.sessionMember(sessionId);
      if (member) this.changed(member.classId, member.learner);
    });
    services.sessions.on('ended', () => {
      // A session's end changes its student's row (no live session any more): cheap to redo all.
      for (const classId of this.hub.classesWithInstructor()) this.pushDashboard(classId);
    });
  }

  stop(): void {
    this.clock.stop();
    this.hub.stop();
  }

  // ---- Classes and members (class-registry.ts), told to the pages -------------------------

  create(input: { title: string; deck?: string; labs: string[]; seats: number; endsAt?: string }): ClassRecord {
    const klass = this.registry.create(input);
    this.clock.schedule(klass);
    // Its students find their sandboxes warm: as many as its seats, within the session cap.
    this.services?.sessions.prewarm(klass.seats);
    return klass;
  }

  get(id: string): ClassRecord {
    return this.registry.get(id);
  }

  list(): ClassRecord[] {
    return this.registry.list();
  }

  info(klass: ClassRecord): ClassInfo {
    return this.registry.info(klass);
  }

  members(classId: string): MemberRecord[] {
    return this.registry.members(classId);
  }

  memberCount(classId: string): number {
    return this.registry.memberCount(classId);
  }

  /** A new member, from the client `address` (an IPv4 address or an IPv6 /64). */
  join(
    code: string,
    name: string,
    address: string,
  ): { klass: ClassRecord; learner: string; key: string; recoveryCode: string } {
    const joined = this.registry.join(code, name, address);
    this.pushDashboard(joined.klass.id);
    return joined;
  }

  recover(code: string, recoveryCode: string): { klass: ClassRecord; member: MemberRecord; key: string } {
    const found = this.registry.recover(code, recoveryCode);
    // The old key no longer works: the pages it opened stop hearing the class too.
    this.hub.closeFeeds(found.member.learner, {
      message: 'Votre place dans ce cours a été reprise sur un autre navigateur : cette page ne suit plus le cours.',
      code: closeCodes.replaced,
      reason: 'place reprise',
    });
    // Its sandboxes go too: whoever sits at the old browser next keeps no shell, terminal or
    // file route in the member's name (the new browser starts its own; progress is the member's).
    const sessions = this.services?.sessions;
    if (sessions) {
      void Promise.allSettled(sessions.ofLearner(found.member.learner).map((s) => sessions.destroy(s.id, 'replaced')));
    }
    return found;
  }

  /**
   * Takes a member out of the class: their key is revoked, their pages are told and closed,
   * their sandboxes removed, their place and results forgotten.
   */
  async removeMember(classId: string, learner: string): Promise<void> {
    const { klass, member } = this.registry.remove(classId, learner);
    this.hub.closeFeeds(learner, {
      message: `Le formateur vous a retiré du cours « ${klass.title} ». Demandez-lui le code pour le rejoindre à nouveau.`,
      code: closeCodes.ended,
      reason: 'retiré du cours',
    });
    this.keyboard.forget(learner);
    const sessions = this.services?.sessions;
    if (sessions) {
      await Promise.allSettled(sessions.ofLearner(member.learner).map((s) => sessions.destroy(s.id, 'deleted')));
    }
    this.pushDashboard(classId);
  }

  /** Gives a member another name (one too like a classmate's is refused, as at join). */
  renameMember(classId: string, learner: string, name: string): MemberRecord {
    const renamed = this.registry.rename(classId, learner, name);
    this.pushDashboard(classId);
    return renamed;
  }

  /** Keeps new students out of the class (locked), or lets them in again. */
  setLocked(classId: string, locked: boolean): void {
    this.registry.setLocked(classId, locked);
    this.pushDashboard(classId);
  }

  /** The class a learner belongs to, with their member record; undefined for self-paced learners. */
  membership(learner: string): { klass: ClassRecord; member: MemberRecord } | undefined {
    return this.registry.membership(learner);
  }

  /**
   * Whether a class member may open a session for `labId` now: the class is running, the TP is
   * one of the class's (or the bare sandbox), and the member holds fewer than their share.
   */
  admitSession(learner: string, labId: string, sandboxLabId: string): void {
    const sessions = this.services?.sessions;
    this.registry.admitSession(
      learner,
      labId,
      sandboxLabId,
      sessions ? (someone) => sessions.ofLearner(someone).length : undefined,
    );
  }

  // ---- The feed: what the pages hear (class-feed-hub.ts) -----------------------------------

  /** Adds a feed socket; sends what it must know at once (the slide, a recent message, the dashboard). */
  subscribe(classId: string, subscriber: FeedSubscriber): () => void {
    const klass = this.get(classId);
    const live = this.hub.liveOf(classId);
    const unsubscribe = this.hub.add(classId, subscriber);
    subscriber.send({ type: 'ready', role: subscriber.role, class: this.info(klass) });
    if (subscriber.role === 'student') {
      if (live.slide) subscriber.send({ type: 'slide', ...live.slide });
      if (live.message && Date.now() - Date.parse(live.message.at) < messageReplayMs) {
        subscriber.send({ type: 'message', ...live.message });
      }
      for (const message of this.keyboard.stateFor(subscriber.learner ?? '')) subscriber.send(message);
    } else {
      subscriber.send({ type: 'dashboard', ...this.dashboard(classId) });
    }
    if (this.clock.scheduled(classId) && Date.parse(klass.endsAt) - Date.now() <= classLimits.maxEndSeconds * 1000) {
      subscriber.send({ type: 'ending', at: klass.endsAt, seconds: secondsUntil(klass.endsAt) });
    }
    if (subscriber.role === 'student') this.hub.pushPresence(classId);
    else subscriber.send({ type: 'presence', students: this.followers(classId) });
    return unsubscribe;
  }

  /** Who follows the class's slides now (students with a feed open). */
  followers(classId: string): number {
    return this.hub.followers(classId);
  }

  slide(classId: string, position: SlidePosition): void {
    const klass = this.get(classId);
    if (position.deck !== klass.deck) return;
    this.hub.liveOf(classId).slide = position;
    this.hub.broadcast(classId, { type: 'slide', ...position }, 'students');
  }

  goto(classId: string, lab: string, step: string): void {
    const klass = this.registry.running(classId);
    if (!this.registry.hasStep(klass, lab, step)) {
      throw new ClassRuleError(
        'step',
        `Étape inconnue dans les TP du cours : ${lab.slice(0, 60)} / ${step.slice(0, 60)}.`,
      );
    }
    this.hub.broadcast(classId, { type: 'goto', lab, step, at: new Date().toISOString() }, 'students');
  }

  message(classId: string, text: string): void {
    this.registry.running(classId);
    const message = { text, at: new Date().toISOString() };
    this.hub.liveOf(classId).message = message;
    this.hub.broadcast(classId, { type: 'message', ...message });
  }

  /** A student's page says which step it shows (class-registry.ts keeps only what is real). */
  at(learner: string, lab: string, step: string | null): void {
    const classId = this.registry.movePosition(learner, lab, step);
    if (classId !== undefined) this.changed(classId, learner);
  }

  // ---- End of class (class-ending.ts) ------------------------------------------------------

  /** Ends the class after a countdown (0: at once); the students see it ticking. */
  end(classId: string, seconds: number): Date {
    const klass = this.registry.running(classId);
    const endsAt = new Date(Date.now() + seconds * 1000);
    this.deps.store.setEndsAt(classId, endsAt);
    this.deps.store.audit(classId, null, `end-in-${seconds}s`);
    this.clock.schedule({ ...klass, endsAt: endsAt.toISOString() });
    this.hub.broadcast(classId, { type: 'ending', at: endsAt.toISOString(), seconds });
    return endsAt;
  }

  /** The class's end is due: every page is told, the students' closed, their sandboxes removed. */
  private async finish(classId: string): Promise<void> {
    const klass = this.deps.store.get(classId);
    if (!klass || klass.endedAt) return;
    this.deps.store.markEnded(classId);
    this.deps.log.info('class ended', { classId });
    for (const subscriber of this.hub.liveOf(classId).subscribers) {
      subscriber.send({ type: 'ended', message: classEndedMessage });
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
    for (const member of this.deps.store.members(classId)) this.keyboard.forget(member.learner);
    this.pushDashboard(classId);
  }

  // ---- Watching and taking the keyboard (keyboard-control.ts) ------------------------------

  /** The class member whose live session this is. */
  sessionMember(sessionId: string): MemberRecord | undefined {
    const session = this.services?.sessions.get(sessionId);
    return session ? this.registry.memberOfSession(session) : undefined;
  }

  watchStarted(member: MemberRecord): void {
    this.keyboard.watchStarted(member);
  }

  watchEnded(member: MemberRecord): void {
    this.keyboard.watchEnded(member);
  }

  /** Whether the instructor holds the keyboard of this session's student. */
  keyboardTaken(sessionId: string): boolean {
    if (!this.keyboard.anyHeld()) return false;
    const learner = this.services?.sessions.get(sessionId)?.learnerId;
    return learner ? this.keyboard.holds(learner) : false;
  }

  requestControl(classId: string, learner: string): void {
    this.keyboard.request(classId, learner);
  }

  answerControl(learner: string, accepted: boolean): void {
    this.keyboard.answer(learner, accepted);
  }

  releaseControl(classId: string, learner: string, by: 'student' | 'instructor'): void {
    this.keyboard.release(classId, learner, by);
  }

  holdsControl(learner: string): boolean {
    return this.keyboard.holds(learner);
  }

  // ---- Dashboard (dashboard-projection.ts) -------------------------------------------------

  /** A student's row changed (and the common failures, after a check): pushed in a batch. */
  private changed(classId: string, learner: string, withFailures = false): void {
    this.hub.queueRow(classId, learner, withFailures, (learners) => this.pushRows(classId, learners));
  }

  private pushRows(classId: string, learners: string[]): void {
    const records = this.records(classId);
    for (const learner of learners) {
      const member = records.members.find((m) => m.learner === learner);
      if (!member) continue;
      const student = dashboardRow(member, records, this.memberLive(member));
      this.hub.broadcast(classId, { type: 'student', student }, 'instructors');
    }
    if (learners.includes(failuresChanged)) {
      this.hub.broadcast(classId, { type: 'failures', failures: commonFailures(records) }, 'instructors');
    }
  }

  private pushDashboard(classId: string): void {
    if (!this.hub.watchedByInstructor(classId)) return;
    this.hub.broadcast(classId, { type: 'dashboard', ...this.dashboard(classId) }, 'instructors');
  }

  private records(classId: string): ClassRecords {
    return {
      members: this.deps.store.members(classId),
      checks: this.deps.store.checks(classId),
      help: this.deps.store.help(classId),
    };
  }

  /** What the projection needs beside the store: the member's progress, sessions and keyboard. */
  private memberLive(member: MemberRecord): MemberLive {
    const services = this.services;
    const control = this.keyboard.holds(member.learner);
    // Progress matters for the TP the member is on only; without one there is nothing to read.
    const passes = member.lab ? this.deps.progress.forLearner(member.learner) : [];
    if (!services) return { ...idleMember, passes, control };
    const sessions = services.sessions.ofLearner(member.learner).map((s) => ({
      id: s.id,
      labId: s.labId,
      connected: services.terminals.isConnected(s.id),
    }));
    return { passes, sessions, control };
  }

  dashboard(classId: string): Dashboard {
    const klass = this.get(classId);
    return dashboardOf(this.info(klass), this.records(classId), (member) => this.memberLive(member));
  }

  /** One row per student and step they worked on, with times, for the CSV export. */
  results(classId: string): string[][] {
    return resultRows(this.records(classId), this.deps.labs);
  }
}

// Who watches a student's terminal and who holds its keyboard (asked by the instructor, granted by the student).
import type { FeedServerMessage } from '../../shared/contract.ts';
import type { Logger } from '../log/log.ts';
import type { ClassStore, MemberRecord } from '../progress/classes.ts';
import { ClassNotFoundError, ClassRuleError } from './class-errors.ts';
import type { ClassFeedHub } from './class-feed-hub.ts';

export interface KeyboardControlDeps {
  store: ClassStore;
  log: Logger;
  hub: ClassFeedHub;
  /** The class a learner is a member of (undefined: not a member any more). */
  classOf(learner: string): string | undefined;
  /** The student's dashboard row changed (its keyboard column). */
  changed(classId: string, learner: string): void;
  /** Tells the terminal sockets who types now. */
  emit(learner: string, holder: 'student' | 'instructor'): void;
}

export class KeyboardControl {
  private readonly deps: KeyboardControlDeps;
  /** Learners whose keyboard the instructor holds. */
  private readonly control = new Set<string>();
  /** Learners the instructor asked for the keyboard, waiting for their answer. */
  private readonly asked = new Set<string>();
  /** Watch sockets open per learner. */
  private readonly watchers = new Map<string, number>();

  constructor(deps: KeyboardControlDeps) {
    this.deps = deps;
  }

  watchStarted(member: MemberRecord): void {
    const count = (this.watchers.get(member.learner) ?? 0) + 1;
    this.watchers.set(member.learner, count);
    this.deps.store.audit(member.classId, member.learner, 'watch-start');
    this.deps.log.info('terminal watched', { classId: member.classId, learner: member.learner });
    if (count === 1) this.deps.hub.toStudent(member.classId, member.learner, { type: 'watched', watching: true });
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
    if (this.control.has(member.learner)) this.release(member.classId, member.learner, 'instructor');
    this.asked.delete(member.learner);
    this.deps.hub.toStudent(member.classId, member.learner, { type: 'watched', watching: false });
  }

  /** Whether the instructor holds anyone's keyboard (the common case, no, is answered at once). */
  anyHeld(): boolean {
    return this.control.size > 0;
  }

  holds(learner: string): boolean {
    return this.control.has(learner);
  }

  request(classId: string, learner: string): void {
    const member = this.deps.store.member(learner);
    if (!member || member.classId !== classId) throw new ClassNotFoundError(learner);
    if (this.control.has(learner)) return;
    if ((this.watchers.get(learner) ?? 0) === 0) {
      throw new ClassRuleError('sessions', 'Regardez d’abord le terminal de l’élève, puis demandez-lui la main.');
    }
    this.asked.add(learner);
    this.deps.store.audit(classId, learner, 'control-requested');
    const reached = this.deps.hub.toStudent(classId, learner, { type: 'control-request' });
    if (reached === 0) {
      this.asked.delete(learner);
      this.deps.hub.broadcast(classId, { type: 'control-answer', learner, accepted: false }, 'instructors');
      throw new ClassRuleError('sessions', 'L’élève n’a pas sa page de TP ouverte : il ne peut pas accepter.');
    }
  }

  answer(learner: string, accepted: boolean): void {
    const classId = this.deps.classOf(learner);
    if (classId === undefined || !this.asked.delete(learner)) return;
    const { hub } = this.deps;
    this.deps.store.audit(classId, learner, accepted ? 'control-granted' : 'control-refused');
    hub.broadcast(classId, { type: 'control-answer', learner, accepted }, 'instructors');
    if (!accepted) return;
    this.control.add(learner);
    this.deps.emit(learner, 'instructor');
    this.deps.log.info('keyboard taken over', { classId, learner });
    hub.broadcast(classId, { type: 'control', learner, holder: 'instructor' }, 'instructors');
    hub.toStudent(classId, learner, { type: 'control', learner, holder: 'instructor' });
    this.deps.changed(classId, learner);
  }

  release(classId: string, learner: string, by: 'student' | 'instructor'): void {
    this.asked.delete(learner);
    if (!this.control.delete(learner)) return;
    this.deps.emit(learner, 'student');
    this.deps.store.audit(classId, learner, `control-released-by-${by}`);
    this.deps.hub.broadcast(classId, { type: 'control', learner, holder: 'student' }, 'instructors');
    this.deps.hub.toStudent(classId, learner, { type: 'control', learner, holder: 'student' });
    this.deps.changed(classId, learner);
  }

  /** A member who left (removed, or their class over): no keyboard held, no question pending. */
  forget(learner: string): void {
    this.control.delete(learner);
    this.asked.delete(learner);
  }

  /** What a student's page opening now must know: watched, keyboard held, a question pending. */
  stateFor(learner: string): FeedServerMessage[] {
    const state: FeedServerMessage[] = [];
    if ((this.watchers.get(learner) ?? 0) > 0) state.push({ type: 'watched', watching: true });
    if (this.control.has(learner)) state.push({ type: 'control', learner, holder: 'instructor' });
    if (this.asked.has(learner)) state.push({ type: 'control-request' });
    return state;
  }
}

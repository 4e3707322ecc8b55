// The class feed sockets open on each class, and the messages sent through them (dashboard rows batched).
import type { FeedServerMessage, SlidePosition } from '../../shared/contract.ts';
import { classLimits } from '../../shared/limits.ts';
import { ClassRuleError } from './class-errors.ts';

/** One open class feed: the instructor's page or a student's. */
export interface FeedSubscriber {
  role: 'instructor' | 'student';
  /** The student's learner id (students only). */
  learner?: string;
  send(message: FeedServerMessage): void;
  close(code: number, reason: string): void;
}

/** What a class's feed remembers for the pages that open after it was sent. */
export interface LiveClass {
  subscribers: Set<FeedSubscriber>;
  slide?: SlidePosition;
  message?: { text: string; at: string };
  /** Pushes of changed rows waiting (a burst of events makes one push per student). */
  pending: Set<string>;
  flush?: NodeJS.Timeout;
}

/** Row changes are gathered this long before they are pushed to the dashboard. */
const pushDelayMs = 50;

/** The learner id standing for "the common failures changed too" in a batch of rows. */
export const failuresChanged = '';

export class ClassFeedHub {
  private readonly live = new Map<string, LiveClass>();

  /** The live state of a class, made on first use (a class has one from its start or creation). */
  liveOf(classId: string): LiveClass {
    let live = this.live.get(classId);
    if (!live) {
      live = { subscribers: new Set(), pending: new Set() };
      this.live.set(classId, live);
    }
    return live;
  }

  /**
   * Adds a feed socket: a student with many tabs is fine, one opening sockets in a loop is not.
   * Returns what removes it.
   */
  add(classId: string, subscriber: FeedSubscriber): () => void {
    const live = this.liveOf(classId);
    const same = [...live.subscribers].filter((s) => s.role === subscriber.role && s.learner === subscriber.learner);
    if (same.length >= (subscriber.role === 'student' ? classLimits.feedsPerMember : classLimits.feedsPerInstructor)) {
      throw new ClassRuleError(
        'sessions',
        'Trop de pages du cours ouvertes à la fois : fermez-en quelques-unes, puis rechargez.',
      );
    }
    live.subscribers.add(subscriber);
    return () => {
      live.subscribers.delete(subscriber);
      if (subscriber.role === 'student') this.pushPresence(classId);
    };
  }

  /** Whether an instructor's page follows the class: nobody else reads the dashboard. */
  watchedByInstructor(classId: string): boolean {
    const live = this.live.get(classId);
    return live !== undefined && [...live.subscribers].some((s) => s.role === 'instructor');
  }

  /** The classes an instructor's page follows now. */
  classesWithInstructor(): string[] {
    return [...this.live.keys()].filter((classId) => this.watchedByInstructor(classId));
  }

  broadcast(classId: string, message: FeedServerMessage, to: 'all' | 'students' | 'instructors' = 'all'): void {
    const live = this.live.get(classId);
    if (!live) return;
    for (const subscriber of live.subscribers) {
      if (to === 'all' || (to === 'students') === (subscriber.role === 'student')) subscriber.send(message);
    }
  }

  /** Sends to every page of one student; how many pages it reached. */
  toStudent(classId: string, learner: string, message: FeedServerMessage): number {
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

  pushPresence(classId: string): void {
    this.broadcast(classId, { type: 'presence', students: this.followers(classId) }, 'instructors');
  }

  /** Says why, then closes every class feed a learner has open (in any class). */
  closeFeeds(learner: string, how: { message: string; code: number; reason: string }): void {
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

  /**
   * Queues a student's row (and the failures, with `withFailures`) for the instructors' pages;
   * `flush` gets the learners gathered within pushDelayMs ('' standing for the failures).
   */
  queueRow(classId: string, learner: string, withFailures: boolean, flush: (learners: string[]) => void): void {
    const live = this.live.get(classId);
    if (!live || !this.watchedByInstructor(classId)) return;
    live.pending.add(learner);
    if (withFailures) live.pending.add(failuresChanged);
    live.flush ??= setTimeout(() => {
      live.flush = undefined;
      const learners = [...live.pending];
      live.pending.clear();
      flush(learners);
    }, pushDelayMs);
  }

  stop(): void {
    for (const live of this.live.values()) clearTimeout(live.flush);
  }
}

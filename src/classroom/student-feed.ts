// A student's side of the class feed, on the deck, TP and sandbox pages: when this browser is
// in a class, shows the instructor's messages, countdown, watching and keyboard requests, sends
// where the student is (`at`), follows « go to this step » and hands slide positions on.
import { z } from 'zod';
import { classInfoSchema, type FeedServerMessage, type SlidePosition } from '../../shared/contract.ts';
import { closeCodes, learnerKeyHeader, sandboxLabId } from '../../shared/limits.ts';
import {
  currentClass,
  dismissMessage,
  leaveClass,
  messageDismissed,
  learnerKeyStorage,
  takeNewGoto,
  updateClass,
  type StoredClass,
} from './class-storage.ts';
import { FeedSocket } from './feed-socket.ts';
import { ApiRequestError, requestJson } from './http.ts';
import { mountStudentBanners } from './student-banners.ts';

export interface StudentFeedOptions {
  page: 'deck' | 'lab' | 'sandbox';
  /** The TP of a TP page. */
  lab?: string;
  /** The instructor sends the class to a step; by default the browser goes to that TP page. */
  onGoto?(lab: string, step: string): void;
  /** The instructor's slide, for the class's deck only. */
  onSlide?(position: SlidePosition): void;
}

export interface StudentFeed {
  readonly classInfo: StoredClass;
  /** Tells the instructor which step the student opened (null: the TP, or the sandbox, without a step). */
  at(lab: string, step: string | null): void;
  dispose(): void;
}

/** What `GET /api/classes/mine` answers. */
const mineSchema = classInfoSchema.extend({ name: z.string() });

/** The href of a TP step, as lab-page.ts opens it. */
export function stepHref(lab: string, step: string): string {
  return `/tp/${encodeURIComponent(lab)}/#${encodeURIComponent(step)}`;
}

/** Opens the class feed if this browser is in a class; null otherwise. */
export function connectStudentFeed(options: StudentFeedOptions): StudentFeed | null {
  const classInfo = currentClass();
  const key = localStorage.getItem(learnerKeyStorage);
  if (!classInfo) return null;
  if (!key) {
    // session-client.ts drops a key the server no longer knows: the place in the class is gone.
    leaveClass();
    return null;
  }
  const banners = mountStudentBanners(classInfo.title);
  let lastAt: { lab: string; step: string | null } | undefined =
    options.page === 'sandbox' ? { lab: sandboxLabId, step: null } : undefined;
  let over = false;

  const finish = (text: string, title?: string) => {
    if (over) return;
    over = true;
    feed.dispose();
    leaveClass();
    banners.ended(
      `${text} Vous retrouvez votre espace personnel : rechargez la page pour continuer avec vos propres bacs à sable.`,
      title,
    );
  };

  // Whether the class still holds this learner (a 404 means it is over, or the place is gone).
  const checkMembership = async (refused = false): Promise<void> => {
    try {
      const mine = await requestJson('/api/classes/mine', mineSchema, { headers: { [learnerKeyHeader]: key } });
      updateClass(mine);
      if (mine.endedAt) finish(`Le cours « ${mine.title} » est terminé.`);
      else if (refused) banners.error('Le cours n’a pas accepté la connexion de ce navigateur : rechargez la page.');
    } catch (error) {
      if (!(error instanceof ApiRequestError)) return;
      if (error.status === 404) finish(`Le cours « ${classInfo.title} » est terminé.`);
      // An unknown key: the server's data was reset, the place in the class is gone.
      else if (error.status === 403) {
        finish(
          `Votre place dans le cours « ${classInfo.title} » n’existe plus : rejoignez-le à nouveau avec son code.`,
          'Vous n’êtes plus dans le cours',
        );
      }
    }
  };

  const onMessage = (message: FeedServerMessage) => {
    switch (message.type) {
      case 'ready':
        updateClass({ ...message.class, name: classInfo.name });
        if (message.class.endedAt) finish(`Le cours « ${message.class.title} » est terminé.`);
        else if (lastAt) feed.send({ type: 'at', ...lastAt });
        break;
      case 'slide':
        if (message.deck === classInfo.deck) options.onSlide?.(message);
        break;
      case 'goto':
        if (!takeNewGoto(classInfo.id, message.at)) break;
        if (options.onGoto) options.onGoto(message.lab, message.step);
        else window.location.assign(stepHref(message.lab, message.step));
        break;
      case 'message':
        // The feed repeats a recent message at connect (each page): once closed, it stays closed.
        if (!messageDismissed(classInfo.id, message.at)) {
          banners.message(message.text, () => dismissMessage(classInfo.id, message.at));
        }
        break;
      case 'ending':
        // Counted from the seconds left, not the server's date: this browser's clock may be off.
        banners.ending(new Date(Date.now() + message.seconds * 1000).toISOString());
        break;
      case 'ended':
        finish(message.message);
        break;
      case 'watched':
        banners.watched(message.watching);
        break;
      case 'control-request':
        banners.controlRequest((accepted) => feed.send({ type: 'control-answer', accepted }));
        break;
      case 'control':
        banners.control(message.holder, () => feed.send({ type: 'control-release' }));
        break;
      case 'error':
        banners.error(message.message);
        break;
      default:
        // The instructor's messages (dashboard, student rows…) never reach a student.
        break;
    }
  };

  const feed = new FeedSocket({
    classId: classInfo.id,
    key,
    onMessage,
    onState: (state, code) => {
      if (state !== 'closed') return;
      if (code === closeCodes.ended) finish(`Le cours « ${classInfo.title} » est terminé.`);
      else void checkMembership(true);
    },
  });
  feed.connect();
  void checkMembership();
  window.addEventListener('pagehide', () => feed.dispose());

  return {
    classInfo,
    at(lab, step) {
      if (lastAt?.lab === lab && lastAt.step === step) return;
      lastAt = { lab, step };
      feed.send({ type: 'at', lab, step });
    },
    dispose() {
      feed.dispose();
      banners.dispose();
    },
  };
}

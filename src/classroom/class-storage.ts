// Which class this browser is in, kept in localStorage: joining swaps the browser's learner key
// for the class key (the personal one is put aside) and forgets saved sessions, so that new
// sessions belong to the class; leaving puts the personal key back.
import type { ClassInfo, ClassJoined } from '../../shared/contract.ts';

/** The key session-client.ts sends as X-Learner-Key. */
export const learnerKeyStorage = 'cours-docker:learner-key';
/** The personal key, put aside while the browser is in a class. */
export const personalKeyStorage = 'cours-docker:learner-key:personnel';
export const classStorage = 'cours-docker:class';
/** On the instructor's browser: the class whose deck « Présenter les diapositives » opened, `{classId}`. */
export const presentingStorage = 'cours-docker:presenting';
const sessionPrefix = 'cours-docker:session:';
const gotoStorage = (classId: string) => `cours-docker:class-goto:${classId}`;
const dismissedStorage = (classId: string) => `cours-docker:class-message:${classId}`;

/** What the pages know of the class: its info, and who the learner is in it. */
export type StoredClass = ClassInfo & { name: string; learner?: string };

function isStoredClass(value: unknown): value is StoredClass {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.code === 'string' &&
    typeof v.title === 'string' &&
    typeof v.deck === 'string' &&
    Array.isArray(v.labs) &&
    typeof v.endsAt === 'string' &&
    typeof v.name === 'string'
  );
}

/** The class this browser is in, or null. */
export function currentClass(store: Storage = localStorage): StoredClass | null {
  try {
    const parsed: unknown = JSON.parse(store.getItem(classStorage) ?? 'null');
    return isStoredClass(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Saved sessions belong to the learner key that opened them: a new key starts afresh. */
export function dropSavedSessions(store: Storage = localStorage): void {
  const names: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const name = store.key(i);
    if (name?.startsWith(sessionPrefix)) names.push(name);
  }
  for (const name of names) store.removeItem(name);
}

/** After a join or a recovery: the class key becomes the browser's learner key. */
export function enterClass(joined: ClassJoined, store: Storage = localStorage): StoredClass {
  const previous = store.getItem(learnerKeyStorage);
  // Only a key from outside any class is personal; switching classes keeps the one put aside.
  if (!currentClass(store) && previous && previous !== joined.key) store.setItem(personalKeyStorage, previous);
  store.setItem(learnerKeyStorage, joined.key);
  const stored: StoredClass = { ...joined.class, name: joined.name, learner: joined.learner };
  store.setItem(classStorage, JSON.stringify(stored));
  dropSavedSessions(store);
  return stored;
}

/** Refreshes what is known of the class (from `/api/classes/mine`), keeping the learner's id. */
export function updateClass(info: ClassInfo & { name: string }, store: Storage = localStorage): StoredClass | null {
  const kept = currentClass(store);
  if (!kept || kept.id !== info.id) return kept;
  const stored: StoredClass = { ...kept, ...info };
  store.setItem(classStorage, JSON.stringify(stored));
  return stored;
}

/** Leaves the class (« Quitter le cours », or the class is over): the personal key comes back. */
export function leaveClass(store: Storage = localStorage): void {
  const kept = currentClass(store);
  const personal = store.getItem(personalKeyStorage);
  if (personal) store.setItem(learnerKeyStorage, personal);
  // Without a personal key the next page asks the server for a fresh one.
  else store.removeItem(learnerKeyStorage);
  store.removeItem(personalKeyStorage);
  store.removeItem(classStorage);
  if (kept) {
    store.removeItem(gotoStorage(kept.id));
    store.removeItem(dismissedStorage(kept.id));
  }
  dropSavedSessions(store);
}

/**
 * Whether a « go to this step » from the instructor is new to this browser (the feed may repeat
 * the last one at connect: a student who already followed it is not sent there again).
 */
export function takeNewGoto(classId: string, at: string, store: Storage = localStorage): boolean {
  if (store.getItem(gotoStorage(classId)) === at) return false;
  store.setItem(gotoStorage(classId), at);
  return true;
}

/** The student closed the instructor's message sent at `at`: the next pages do not show it again. */
export function dismissMessage(classId: string, at: string, store: Storage = localStorage): void {
  store.setItem(dismissedStorage(classId), at);
}

export function messageDismissed(classId: string, at: string, store: Storage = localStorage): boolean {
  return store.getItem(dismissedStorage(classId)) === at;
}

/** The class the instructor presents to, as the dashboard left it (`{classId}`), or null. */
export function presentingClass(store: Storage = localStorage): string | null {
  try {
    const parsed = JSON.parse(store.getItem(presentingStorage) ?? 'null') as { classId?: unknown } | null;
    // The shape of the contract's class ids, checked without zod: the deck page stays light.
    return typeof parsed?.classId === 'string' && /^[a-f0-9]{16}$/.test(parsed.classId) ? parsed.classId : null;
  } catch {
    return null;
  }
}

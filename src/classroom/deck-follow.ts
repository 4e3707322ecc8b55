// The deck page in a class: the presenting instructor's deck sends its slides to the class
// (deck-present.ts), a student's deck follows the instructor's (deck-student.ts). Outside a
// class it loads nothing more: the feed's code comes only when a class needs it.
import type { RevealApi } from 'reveal.js';
import { currentClass, presentingClass } from './class-storage.ts';
import { isDeckCopy } from './deck-position.ts';

/** Call once the deck is created: `connectDeckToClass(deck, slug)`. Does nothing outside a class. */
export function connectDeckToClass(deck: RevealApi, deckId: string): void {
  if (isDeckCopy()) return;
  const presenting = presentingClass() !== null;
  const student = currentClass() !== null;
  if (!presenting && !student) return;
  void (async () => {
    if (presenting) {
      const { presentToClass } = await import('./deck-present.ts');
      if (await presentToClass(deck, deckId)) return;
    }
    if (student) {
      const { followInstructor } = await import('./deck-student.ts');
      followInstructor(deck, deckId);
    }
  })();
}

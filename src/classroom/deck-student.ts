// A student's deck in a class: it follows the instructor's slides until the student moves on
// their own, then a « Suivre le formateur » button brings them back; class messages show too.
import type { RevealApi } from 'reveal.js';
import type { SlidePosition } from '../../shared/contract.ts';
import '../styles/classroom.css';
import { readPosition, samePosition, whenDeckReady } from './deck-position.ts';
import { el } from '../dom/element.ts';
import { connectStudentFeed } from './student-feed.ts';

export function followInstructor(deck: RevealApi, deckId: string): void {
  let following = true;
  let latest: SlidePosition | undefined;
  let applying = false;
  let ready = false;

  const followButton = el(
    'button',
    { type: 'button', class: 'button deck-follow-button', 'data-follow-instructor': true, hidden: true },
    'Suivre le formateur',
  );
  const apply = (position: SlidePosition) => {
    if (!ready) return;
    applying = true;
    try {
      deck.slide(position.h, position.v, position.f);
    } finally {
      applying = false;
    }
  };

  const feed = connectStudentFeed({
    page: 'deck',
    onSlide: (position) => {
      latest = position;
      if (following) apply(position);
    },
  });
  // Not in a class, or a class with another deck: the deck is the student's own.
  if (!feed || feed.classInfo.deck !== deckId) return;
  document.body.append(followButton);

  // reveal.js reports the changes it makes for us too (synchronously): only a move to somewhere
  // else than the instructor's slide is the student's own.
  const ownMove = () => {
    if (applying || !following || !latest) return;
    if (samePosition(readPosition(deck), latest)) return;
    following = false;
    followButton.hidden = false;
  };
  followButton.addEventListener('click', () => {
    following = true;
    followButton.hidden = true;
    if (latest) apply(latest);
    deck.getRevealElement()?.focus();
  });
  whenDeckReady(deck, () => {
    ready = true;
    for (const type of ['slidechanged', 'fragmentshown', 'fragmenthidden']) deck.on(type, ownMove);
    if (latest && following) apply(latest);
  });
}

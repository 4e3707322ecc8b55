// The instructor's side of the deck: when « Présenter les diapositives » was chosen on the
// dashboard (localStorage `cours-docker:presenting`), every slide and fragment change goes to
// the class feed, with a small « En direct » badge.
import type { RevealApi } from 'reveal.js';
import type { FeedServerMessage } from '../../shared/contract.ts';
import { closeCodes } from '../../shared/limits.ts';
import '../styles/classroom.css';
import { presentingClass, presentingStorage } from './class-storage.ts';
import { readPosition, whenDeckReady } from './deck-position.ts';
import { el } from '../dom/element.ts';
import { FeedSocket } from './feed-socket.ts';
import { plural } from './format.ts';
import { requestVoid } from './http.ts';

const sendDelayMs = 120;

/** Starts presenting if this browser is the signed-in instructor presenting a class; says whether it did. */
export async function presentToClass(deck: RevealApi, deckId: string): Promise<boolean> {
  const classId = presentingClass();
  if (!classId) return false;
  try {
    await requestVoid('/api/instructor/me');
  } catch {
    return false;
  }
  const badge = el('p', { class: 'deck-live-badge', 'data-live-badge': true, role: 'status' }, 'Connexion au cours…');
  document.body.append(badge);
  /** Students with a page of the class open now (the server's `presence`). */
  let online = 0;
  let classDeck: string | undefined;

  // One frame per burst of changes (a jump fires slidechanged and fragment events together, and
  // the feed closes on floods), always with the latest position; the same position is not resent.
  let sent = '';
  let timer = 0;
  const send = () => {
    if (timer || classDeck !== deckId) return;
    timer = window.setTimeout(() => {
      timer = 0;
      const position = readPosition(deck);
      const key = `${position.h}/${position.v}/${position.f}`;
      if (key !== sent && feed.send({ type: 'slide', deck: deckId, ...position })) sent = key;
    }, sendDelayMs);
  };
  const showCount = () => {
    badge.dataset.state = 'live';
    badge.textContent = `En direct : ${plural(online, 'élève')} connecté${online > 1 ? 's' : ''}`;
  };
  const stop = (text: string) => {
    localStorage.removeItem(presentingStorage);
    badge.dataset.state = 'off';
    badge.textContent = text;
    feed.dispose();
  };

  const onMessage = (message: FeedServerMessage) => {
    if (message.type === 'ready') {
      if (message.role !== 'instructor') return stop('Présentation impossible : connectez-vous comme formateur.');
      if (message.class.endedAt) return stop('Le cours est terminé : les diapositives ne sont plus diffusées.');
      classDeck = message.class.deck;
      if (classDeck !== deckId) {
        badge.dataset.state = 'off';
        badge.textContent = 'Ce ne sont pas les diapositives du cours : les élèves ne les suivent pas.';
        return;
      }
      showCount();
      // A new connection: the server may have restarted, tell it where the deck is.
      sent = '';
      send();
    } else if (message.type === 'presence') {
      online = message.students;
      if (classDeck === deckId) showCount();
    } else if (message.type === 'ended') {
      stop('Le cours est terminé : les diapositives ne sont plus diffusées.');
    }
  };
  const feed = new FeedSocket({
    classId,
    onMessage,
    onState: (state, code) => {
      if (state === 'reconnecting') {
        badge.dataset.state = 'off';
        badge.textContent = 'Reconnexion au cours…';
      } else if (state === 'closed') {
        stop(
          code === closeCodes.ended
            ? 'Le cours est terminé.'
            : 'Présentation interrompue : reconnectez-vous comme formateur.',
        );
      }
    },
  });

  whenDeckReady(deck, () => {
    feed.connect();
    for (const type of ['slidechanged', 'fragmentshown', 'fragmenthidden']) deck.on(type, send);
  });
  window.addEventListener('pagehide', () => feed.dispose());
  return true;
}

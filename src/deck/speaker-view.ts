// The speaker view's page (/decks/<deck>/presentateur/): follows the deck window that opened it
// (speaker-link.ts tells it each move) and drives it through reveal.js's postMessage API. Its two
// previews are the deck page in ?receiver mode, moved the same way; their reveal.js posts its
// events back (postMessageEvents), which says when a preview is ready and what comes next.
import './speaker-view.css';
import { mountControls } from './speaker-controls.ts';
import { DeckFollower } from './speaker-follow.ts';
import { readDeckState, speakerHello } from './speaker-protocol.ts';
import { deckWindow, element } from './speaker-window.ts';

/** The deck window answers each hello; this long without an answer, it is gone or stuck. */
const silenceMs = 4000;

function start(root: HTMLElement) {
  const deckUrl = root.dataset.deckUrl ?? '../';
  const sectionSizes = (JSON.parse(root.dataset.sectionSizes ?? '[]') as unknown[]).filter(
    (n): n is number => typeof n === 'number',
  );
  const status = element('speaker-status');
  const setStatus = (text: string) => {
    status.textContent = text;
    status.hidden = text === '';
  };
  const opened = Date.now();
  const follower = new DeckFollower(deckUrl, sectionSizes, setStatus);
  const { current, upcoming } = follower;

  window.addEventListener('message', (event) => {
    if (event.origin !== window.location.origin) return;
    if (event.source === current.window) follower.onPreviewEvent(current, event.data);
    else if (event.source === upcoming.window) follower.onPreviewEvent(upcoming, event.data);
    else if (event.source === deckWindow()) {
      const state = readDeckState(event.data);
      if (state) follower.follow(state);
    }
  });
  const hello = () => deckWindow()?.postMessage(speakerHello, window.location.origin);
  const tick = mountControls(root, sectionSizes);

  // Every second: the clock, and whether the deck window is still there and answering.
  const watch = () => {
    tick();
    const { lastHeard } = follower;
    if (!deckWindow()) {
      // A closed opener reads as null in Chromium: having heard from it tells it was there.
      setStatus(
        lastHeard
          ? 'La fenêtre de la présentation est fermée : rouvrez la présentation, puis cette vue avec son bouton « Présentateur » (touche S).'
          : 'Cette vue se pilote depuis la présentation : ouvrez-la avec le bouton « Présentateur » de la présentation (touche S).',
      );
      return;
    }
    hello();
    const silence = Date.now() - (lastHeard || opened);
    if (silence > silenceMs) {
      setStatus(
        lastHeard
          ? 'La présentation ne répond plus (fenêtre rechargée ou fermée ?). Nouvel essai en cours…'
          : 'La présentation ne répond pas : rechargez-la, puis rouvrez cette vue avec son bouton « Présentateur ».',
      );
    }
  };
  hello();
  watch();
  setInterval(watch, 1000);
}

const root = document.querySelector<HTMLElement>('.speaker');
if (root) start(root);

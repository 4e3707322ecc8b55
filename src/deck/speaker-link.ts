// The deck window's side of the speaker view: opens it (« Présentateur » button, S key), tells it
// where the deck stands after every move, and finds it again after either window reloads. The
// speaker view moves the deck through reveal.js's own postMessage API, not through this module.
import type { RevealApi } from 'reveal.js';
import { deckStateMessage, isSpeakerHello } from './speaker-protocol.ts';

/** One speaker window per browser: opening it again focuses it instead of opening a second one. */
const windowName = 'cours-docker-presentateur';

/** The deck's moves the speaker view follows (reveal.js event names). */
const followedEvents = [
  'slidechanged',
  'fragmentshown',
  'fragmenthidden',
  'paused',
  'resumed',
  'overviewshown',
  'overviewhidden',
] as const;

export interface SpeakerLink {
  /** Opens the speaker view, or brings it to the front if it is open. */
  open(): void;
  dispose(): void;
}

function isWindow(source: MessageEventSource | null): source is Window {
  // A window of another document is not an instance of this one's Window class: test its shape.
  return source !== null && typeof (source as Partial<Window>).closed === 'boolean';
}

export function linkSpeakerView(deck: RevealApi, speakerUrl: string): SpeakerLink {
  let speaker: Window | null = null;

  const send = () => {
    if (!speaker || speaker.closed) return;
    speaker.postMessage(deckStateMessage(deck.getState()), window.location.origin);
  };

  // The speaker view says hello on load and every second after: answering each one re-links a
  // reloaded deck to an open speaker view, and a reloaded speaker view to the deck.
  const onMessage = (event: MessageEvent) => {
    if (event.origin !== window.location.origin || !isSpeakerHello(event.data) || !isWindow(event.source)) return;
    speaker = event.source;
    send();
  };
  window.addEventListener('message', onMessage);
  for (const name of followedEvents) deck.on(name, send);

  return {
    open() {
      if (speaker && !speaker.closed) {
        speaker.focus();
        return;
      }
      speaker = window.open(speakerUrl, windowName, 'popup,width=1280,height=800');
      if (!speaker) {
        window.alert(
          'La vue présentateur n’a pas pu s’ouvrir : autorisez les fenêtres surgissantes (pop-up) pour ce site, puis réessayez.',
        );
      }
    },
    dispose() {
      window.removeEventListener('message', onMessage);
      for (const name of followedEvents) deck.off(name, send);
    },
  };
}

// The speaker view's page (/decks/<deck>/presentateur/): follows the deck window that opened it
// (speaker-link.ts tells it each move) and drives it through reveal.js's postMessage API. Its two
// previews are the deck page in ?receiver mode, moved the same way; their reveal.js posts its
// events back (postMessageEvents), which says when a preview is ready and what comes next.
import './speaker-view.css';
import {
  actionForKey,
  formatClock,
  formatElapsed,
  previewState,
  readDeckState,
  readLayout,
  readPosition,
  readRevealEvent,
  revealCall,
  samePlace,
  slidePosition,
  speakerHello,
  type DeckPosition,
  type SpeakerAction,
} from './speaker-protocol.ts';

const layoutKey = 'cours-docker:presentateur:disposition';
/** The deck window answers each hello; this long without an answer, it is gone or stuck. */
const silenceMs = 4000;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`Vue présentateur : élément #${id} absent de la page.`);
  return found as T;
}

/** The window of the deck, if it is one of this site's (only such a window may drive us). */
function deckWindow(): Window | null {
  const opener = window.opener as Window | null;
  if (!opener || opener.closed) return null;
  try {
    return opener.location.origin === window.location.origin ? opener : null;
  } catch {
    // Reading another origin's location throws: not our deck.
    return null;
  }
}

/** One preview: the deck page in ?receiver mode, moved by reveal.js API calls once it is ready. */
class Preview {
  readonly frame: HTMLIFrameElement;
  readonly deckUrl: string;
  #ready = false;
  #pending: string[] = [];

  constructor(frame: HTMLIFrameElement, deckUrl: string) {
    this.frame = frame;
    this.deckUrl = deckUrl;
  }

  get window(): Window | null {
    return this.frame.contentWindow;
  }

  /** Loads the deck on the given slide the first time; later moves go through `show`. */
  load(position: DeckPosition) {
    if (this.frame.getAttribute('src')) return;
    this.frame.src = `${this.deckUrl}?receiver&transition=none#/${position.indexh}/${position.indexv}`;
  }

  markReady() {
    this.#ready = true;
    this.frame.classList.remove('is-loading');
    for (const message of this.#pending.splice(0)) this.#post(message);
  }

  /** Calls reveal.js API methods in the preview, in order; held until it is ready. */
  call(...messages: string[]) {
    if (!this.#ready) {
      // Only the latest position matters before the deck has loaded.
      this.#pending = messages;
      return;
    }
    for (const message of messages) this.#post(message);
  }

  #post(message: string) {
    this.window?.postMessage(message, window.location.origin);
  }
}

function start(root: HTMLElement) {
  const deckUrl = root.dataset.deckUrl ?? '../';
  const sectionSizes = (JSON.parse(root.dataset.sectionSizes ?? '[]') as unknown[]).filter(
    (n): n is number => typeof n === 'number',
  );
  const status = element('speaker-status');
  const positionValue = element('speaker-position-value');
  const notesValue = element('speaker-notes-value');
  const notesSource = element('speaker-notes-source');
  const flags = element('speaker-flags');
  const end = element('speaker-end');
  const pauseButton = element<HTMLButtonElement>('speaker-pause');
  const help = element<HTMLDialogElement>('speaker-help');
  const current = new Preview(element<HTMLIFrameElement>('speaker-current-frame'), deckUrl);
  const upcoming = new Preview(element<HTMLIFrameElement>('speaker-upcoming-frame'), deckUrl);

  let deckState: DeckPosition | null = null;
  let lastHeard = 0;
  const opened = Date.now();

  const setStatus = (text: string) => {
    status.textContent = text;
    status.hidden = text === '';
  };

  // --- Following the deck window -------------------------------------------------------------

  const showNotes = (position: DeckPosition) => {
    const source = notesSource.querySelector(`[data-slide="${position.indexh}/${position.indexv}"]`);
    if (source && source.childNodes.length > 0) {
      notesValue.replaceChildren(...Array.from(source.childNodes, (node) => node.cloneNode(true)));
    } else {
      const empty = document.createElement('p');
      empty.className = 'speaker-notes-empty';
      empty.textContent = 'Pas de notes pour cette diapositive.';
      notesValue.replaceChildren(empty);
    }
    notesValue.scrollTop = 0;
  };

  const showFlags = (position: DeckPosition) => {
    const texts = [
      position.paused ? 'Le public voit un écran noir (B ou « Écran noir » pour reprendre).' : '',
      position.overview ? 'Le public voit la vue d’ensemble des diapositives.' : '',
    ].filter(Boolean);
    flags.textContent = texts.join(' ');
    flags.hidden = texts.length === 0;
    pauseButton.setAttribute('aria-pressed', String(position.paused));
  };

  const follow = (state: DeckPosition) => {
    lastHeard = Date.now();
    setStatus('');
    const previous = deckState;
    if (
      previous &&
      samePlace(previous, state) &&
      previous.paused === state.paused &&
      previous.overview === state.overview
    ) {
      return;
    }
    deckState = state;
    const { number, total } = slidePosition(state, sectionSizes);
    positionValue.textContent = `${number} / ${total}`;
    if (!previous || previous.indexh !== state.indexh || previous.indexv !== state.indexv) showNotes(state);
    showFlags(state);
    if (previous && samePlace(previous, state)) return;
    const shown = previewState(state);
    current.load(shown);
    upcoming.load(shown);
    current.call(revealCall('setState', [shown]));
    // The next step is wherever reveal.js's own next() leads; asking for the state afterwards
    // tells whether there was one (the last slide stays put).
    upcoming.call(revealCall('setState', [shown]), revealCall('next'), revealCall('getState'));
  };

  const onPreviewEvent = (preview: Preview, data: unknown) => {
    const event = readRevealEvent(data);
    if (!event) return;
    if (event.eventName === 'ready') {
      preview.markReady();
    } else if (preview === upcoming && event.eventName === 'callback' && event.method === 'getState' && deckState) {
      const after = readPosition(event.result);
      end.hidden = !(after && samePlace(after, deckState));
      upcoming.frame.classList.toggle('is-end', !end.hidden);
    }
  };

  window.addEventListener('message', (event) => {
    if (event.origin !== window.location.origin) return;
    if (event.source === current.window) onPreviewEvent(current, event.data);
    else if (event.source === upcoming.window) onPreviewEvent(upcoming, event.data);
    else if (event.source === deckWindow()) {
      const state = readDeckState(event.data);
      if (state) follow(state);
    }
  });

  const hello = () => deckWindow()?.postMessage(speakerHello, window.location.origin);

  // --- Driving the deck window ---------------------------------------------------------------

  const timerValue = element('speaker-timer-value');
  const clockValue = element('speaker-clock-value');
  let timerStart = Date.now();
  const tick = () => {
    const now = new Date();
    timerValue.textContent = formatElapsed(now.getTime() - timerStart);
    clockValue.textContent = formatClock(now);
    clockValue.setAttribute('datetime', now.toISOString());
  };
  const resetTimer = () => {
    timerStart = Date.now();
    tick();
  };

  const run = (action: SpeakerAction) => {
    switch (action.kind) {
      case 'deck':
        deckWindow()?.postMessage(
          revealCall(action.method, 'args' in action ? action.args : []),
          window.location.origin,
        );
        break;
      case 'reset-timer':
        resetTimer();
        break;
      case 'help':
        if (!help.open) help.showModal();
        break;
    }
  };

  document.addEventListener('keydown', (event) => {
    if (help.open || event.defaultPrevented) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    // Let form controls keep their own keys, and a focused button its Space and Enter.
    if (target?.closest('select, input, textarea')) return;
    if (target?.closest('button') && (event.key === ' ' || event.key === 'Enter')) return;
    const action = actionForKey(event, sectionSizes.length);
    if (!action) return;
    event.preventDefault();
    run(action);
  });
  element('speaker-prev').addEventListener('click', () => run({ kind: 'deck', method: 'prev' }));
  element('speaker-next').addEventListener('click', () => run({ kind: 'deck', method: 'next' }));
  pauseButton.addEventListener('click', () => run({ kind: 'deck', method: 'togglePause' }));
  element('speaker-timer').addEventListener('click', resetTimer);
  element('speaker-help-button').addEventListener('click', () => run({ kind: 'help' }));
  element('speaker-help-close').addEventListener('click', () => help.close());

  const layoutSelect = element<HTMLSelectElement>('speaker-layout-select');
  const setLayout = (value: string | null) => {
    const layout = readLayout(value);
    root.dataset.layout = layout;
    layoutSelect.value = layout;
    try {
      localStorage.setItem(layoutKey, layout);
    } catch {
      // Storage refused (private mode): the layout simply is not remembered.
    }
  };
  layoutSelect.addEventListener('change', () => setLayout(layoutSelect.value));
  const savedLayout = (() => {
    try {
      return localStorage.getItem(layoutKey);
    } catch {
      return null;
    }
  })();
  setLayout(savedLayout);

  // --- Connection watch ----------------------------------------------------------------------

  const watch = () => {
    tick();
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

// Browser side of the deck page: starts reveal.js in the page's mode (normal, presenter, speaker
// view preview, print; see deck-mode.ts) and wires the toolbar, the table of contents, the
// presenter mode and the speaker view. Code is already highlighted at build.
import Reveal, { type RevealApi } from 'reveal.js';
import 'reveal.js/reset.css';
import 'reveal.js/reveal.css';
import './theme.css';
import { frenchDeckHelp } from './deck-help.ts';
import { deckConfig, readDeckMode, withMode, type DeckMode } from './deck-mode.ts';
import { connectDeckToClass } from '../classroom/deck-follow.ts';
import { linkSpeakerView } from './speaker-link.ts';

const mode = readDeckMode(window.location.search);
// theme.css hides the site's chrome by this attribute, so it goes on before anything else.
document.documentElement.dataset.deckMode = mode;
if (mode === 'receiver') {
  // A preview never shows the site's chrome again: drop it rather than hide it.
  for (const el of document.querySelectorAll('.course-header, .skip-link, #deck-menu, #deck-leave-presenter')) {
    el.remove();
  }
}

// reveal.js's postMessage API runs whatever API method a window posts, from any origin: only
// this site's windows (the speaker view and its previews) may drive the deck. Registered before
// reveal.js's own listener, so it runs first.
window.addEventListener('message', (event) => {
  if (event.origin !== window.location.origin) event.stopImmediatePropagation();
});

const root = document.querySelector<HTMLElement>('.deck-viewport .reveal');

/** The page's reveal.js deck (null on a page without one), for the modules that hook onto it. */
export const deck: RevealApi | null = root ? new Reveal(root, deckConfig(mode, window.location.search)) : null;

if (deck && root) {
  void deck.initialize().then(() => {
    document.documentElement.dataset.deckReady = 'true';
  });
  if (mode === 'normal' || mode === 'presenter') {
    wireTools(deck, root, mode);
    // In a class: students follow the instructor's slide, the presenting instructor leads it.
    connectDeckToClass(deck, root.dataset.deck ?? '');
  }
}

/** The toolbar, the table of contents, the presenter mode and the speaker view (not in previews or print). */
function wireTools(deck: RevealApi, root: HTMLElement, initialMode: DeckMode) {
  const menu = document.getElementById('deck-menu');
  const menuButton = document.getElementById('deck-menu-button');
  const setMenu = (open: boolean) => {
    if (!menu || !menuButton) return;
    menu.hidden = !open;
    menuButton.setAttribute('aria-expanded', String(open));
    if (open) menu.querySelector<HTMLElement>('a')?.focus();
  };
  menuButton?.addEventListener('click', () => setMenu(Boolean(menu?.hidden)));
  menu?.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[data-h]');
    if (!link) return;
    event.preventDefault();
    deck.slide(Number(link.dataset.h), Number(link.dataset.v));
    setMenu(false);
    root.focus();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu && !menu.hidden) setMenu(false);
  });

  const speaker = linkSpeakerView(deck, root.dataset.speakerUrl ?? 'presentateur/');
  deck.addKeyBinding({ keyCode: 83, key: 'S', description: 'Vue présentateur' }, () => speaker.open());
  document.getElementById('deck-speaker-button')?.addEventListener('click', () => speaker.open());

  document.getElementById('deck-fullscreen-button')?.addEventListener('click', () => {
    void root.parentElement?.requestFullscreen();
  });
  document.getElementById('deck-overview-button')?.addEventListener('click', () => {
    deck.toggleOverview();
  });

  frenchDeckHelp(deck);
  wirePresenterMode(deck, initialMode === 'presenter');
}

/**
 * The presenter mode, switched in place (no reload: the speaker view stays linked): the slides
 * alone, filling the window; the address keeps `?presenter` so a reload stays in it. Its one
 * control, « Quitter la présentation », shows while the pointer moves or when it has focus.
 */
function wirePresenterMode(deck: RevealApi, startOn: boolean) {
  const enter = document.getElementById('deck-present-button');
  const leave = document.getElementById('deck-leave-presenter');
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const showLeave = () => {
    if (!leave || leave.hidden) return;
    leave.classList.remove('is-idle');
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => leave.classList.add('is-idle'), 3000);
  };
  const setPresenter = (on: boolean) => {
    document.documentElement.dataset.deckMode = on ? 'presenter' : 'normal';
    window.history.replaceState(window.history.state, '', withMode(window.location.href, on ? 'presenter' : 'normal'));
    if (leave) leave.hidden = !on;
    if (on) showLeave();
    deck.layout();
  };

  enter?.addEventListener('click', () => {
    setPresenter(true);
    // Full screen too when the browser allows it; the mode alone already fills the window.
    document.documentElement.requestFullscreen?.().catch(() => undefined);
    deck.getRevealElement()?.focus();
  });
  leave?.addEventListener('click', () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    setPresenter(false);
    enter?.focus();
  });
  document.addEventListener('pointermove', showLeave, { passive: true });
  if (startOn) setPresenter(true);
}

// Browser side of the deck page: starts reveal.js (with its notes plugin for the speaker
// view) and wires the toolbar and the table of contents. Code is already highlighted at build.
import Reveal from 'reveal.js';
import Notes from 'reveal.js/plugin/notes';
import 'reveal.js/reset.css';
import 'reveal.js/reveal.css';
import './theme.css';

const params = new URLSearchParams(window.location.search);
const printing = params.has('print-pdf');
// ?transition=none suits slow projectors and remote screen sharing (and fast tests).
const transition = params.get('transition') === 'none' ? 'none' : 'slide';
const root = document.querySelector<HTMLElement>('.deck-viewport .reveal');

if (root) {
  const deck = new Reveal(root, {
    // Embedded so the course header stays above the slides; print mode needs the full page.
    embedded: !printing,
    hash: true,
    history: false,
    respondToHashChanges: true,
    width: 1280,
    height: 720,
    margin: 0.04,
    center: true,
    controls: true,
    controlsTutorial: false,
    progress: true,
    slideNumber: 'h.v',
    showSlideNumber: 'all',
    transition,
    overview: true,
    touch: true,
    help: true,
    pdfSeparateFragments: false,
    pdfMaxPagesPerSlide: 1,
    plugins: [Notes],
  });
  void deck.initialize().then(() => {
    document.documentElement.dataset.deckReady = 'true';
  });

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
  document.getElementById('deck-notes-button')?.addEventListener('click', () => {
    (deck.getPlugin('notes') as ReturnType<typeof Notes> | undefined)?.open();
  });
  document.getElementById('deck-fullscreen-button')?.addEventListener('click', () => {
    void root.parentElement?.requestFullscreen();
  });
  document.getElementById('deck-overview-button')?.addEventListener('click', () => {
    deck.toggleOverview();
  });
}

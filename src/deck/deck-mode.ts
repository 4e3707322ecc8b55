// The deck page's modes, read from its query string, and the reveal.js settings of each: the
// normal page, the presenter's chrome-less mode, the speaker view's previews, and print.
import type { RevealConfig } from 'reveal.js';

/**
 * - `normal`: the slides under the site's header, with the toolbar.
 * - `presenter` (`?presenter`): the slides alone, filling the window, for the audience.
 * - `receiver` (`?receiver`): a preview inside the speaker view: slides alone, no controls, no
 *   keyboard; the speaker view drives it. reveal.js itself knows the name (`isSpeakerNotes()`).
 * - `print` (`?print-pdf`): one page per slide, for a PDF.
 */
export type DeckMode = 'normal' | 'presenter' | 'receiver' | 'print';

export function readDeckMode(search: string): DeckMode {
  const params = new URLSearchParams(search);
  if (params.has('print-pdf')) return 'print';
  if (params.has('receiver')) return 'receiver';
  if (params.has('presenter')) return 'presenter';
  return 'normal';
}

/** The same address in another mode (hash kept), for the address bar when the mode changes in place. */
export function withMode(href: string, mode: 'normal' | 'presenter'): string {
  const url = new URL(href);
  url.searchParams.delete('presenter');
  if (mode === 'presenter') url.searchParams.set('presenter', '');
  // URLSearchParams writes `presenter=`; the bare flag reads better and means the same.
  return url.href.replace(/([?&]presenter)=(?=&|#|$)/, '$1');
}

export function deckConfig(mode: DeckMode, search: string): RevealConfig {
  // ?transition=none suits slow projectors and remote screen sharing (and fast tests).
  const transition = new URLSearchParams(search).get('transition') === 'none' ? 'none' : 'slide';
  const common: RevealConfig = {
    // Embedded so the course header can stay above the slides; print mode needs the full page.
    embedded: mode !== 'print',
    width: 1280,
    height: 720,
    margin: 0.04,
    center: true,
    pdfSeparateFragments: false,
    pdfMaxPagesPerSlide: 1,
    // The speaker view drives the deck window and its previews through reveal.js's postMessage
    // API; viewer.ts only lets same-origin windows use it.
    postMessage: true,
  };
  if (mode === 'receiver') {
    return {
      ...common,
      // The speaker view learns from these events that a preview is ready, and where it stands.
      postMessageEvents: true,
      hash: false,
      history: false,
      respondToHashChanges: false,
      controls: false,
      progress: false,
      slideNumber: false,
      keyboard: false,
      touch: false,
      mouseWheel: false,
      overview: false,
      help: false,
      jumpToSlide: false,
      previewLinks: false,
      autoPlayMedia: false,
      hideInactiveCursor: false,
      transition: 'none',
      backgroundTransition: 'none',
    };
  }
  return {
    ...common,
    hash: true,
    history: false,
    respondToHashChanges: true,
    controls: true,
    controlsTutorial: false,
    progress: true,
    slideNumber: 'h.v',
    showSlideNumber: 'all',
    transition,
    overview: true,
    touch: true,
    help: true,
  };
}

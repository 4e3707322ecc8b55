// The speaker view following the deck window: the slide's number, its notes, whether the public
// sees a black screen or the overview, and the two previews (this slide, and what comes next).
import { Preview } from './speaker-preview.ts';
import {
  previewState,
  readPosition,
  readRevealEvent,
  revealCall,
  samePlace,
  slidePosition,
  type DeckPosition,
} from './speaker-protocol.ts';
import { element } from './speaker-window.ts';

export class DeckFollower {
  /** When the deck window last spoke (0: never). */
  lastHeard = 0;
  readonly current: Preview;
  readonly upcoming: Preview;
  private deckState: DeckPosition | null = null;
  private readonly sectionSizes: number[];
  private readonly setStatus: (text: string) => void;
  private readonly positionValue = element('speaker-position-value');
  private readonly notesValue = element('speaker-notes-value');
  private readonly notesSource = element('speaker-notes-source');
  private readonly flags = element('speaker-flags');
  private readonly end = element('speaker-end');
  private readonly pauseButton = element<HTMLButtonElement>('speaker-pause');

  constructor(deckUrl: string, sectionSizes: number[], setStatus: (text: string) => void) {
    this.sectionSizes = sectionSizes;
    this.setStatus = setStatus;
    this.current = new Preview(element<HTMLIFrameElement>('speaker-current-frame'), deckUrl);
    this.upcoming = new Preview(element<HTMLIFrameElement>('speaker-upcoming-frame'), deckUrl);
  }

  /** The deck window moved (or answered a hello). */
  follow(state: DeckPosition): void {
    this.lastHeard = Date.now();
    this.setStatus('');
    const previous = this.deckState;
    if (
      previous &&
      samePlace(previous, state) &&
      previous.paused === state.paused &&
      previous.overview === state.overview
    ) {
      return;
    }
    this.deckState = state;
    const { number, total } = slidePosition(state, this.sectionSizes);
    this.positionValue.textContent = `${number} / ${total}`;
    if (!previous || previous.indexh !== state.indexh || previous.indexv !== state.indexv) this.showNotes(state);
    this.showFlags(state);
    if (previous && samePlace(previous, state)) return;
    const shown = previewState(state);
    this.current.load(shown);
    this.upcoming.load(shown);
    this.current.call(revealCall('setState', [shown]));
    // The next step is wherever reveal.js's own next() leads; asking for the state afterwards
    // tells whether there was one (the last slide stays put).
    this.upcoming.call(revealCall('setState', [shown]), revealCall('next'), revealCall('getState'));
  }

  /** An event a preview's reveal.js posted back. */
  onPreviewEvent(preview: Preview, data: unknown): void {
    const event = readRevealEvent(data);
    if (!event) return;
    if (event.eventName === 'ready') {
      preview.markReady();
    } else if (
      preview === this.upcoming &&
      event.eventName === 'callback' &&
      event.method === 'getState' &&
      this.deckState
    ) {
      const after = readPosition(event.result);
      this.end.hidden = !(after && samePlace(after, this.deckState));
      this.upcoming.frame.classList.toggle('is-end', !this.end.hidden);
    }
  }

  private showNotes(position: DeckPosition): void {
    const { notesValue } = this;
    const source = this.notesSource.querySelector(`[data-slide="${position.indexh}/${position.indexv}"]`);
    if (source && source.childNodes.length > 0) {
      notesValue.replaceChildren(...Array.from(source.childNodes, (node) => node.cloneNode(true)));
    } else {
      const empty = document.createElement('p');
      empty.className = 'speaker-notes-empty';
      empty.textContent = 'Pas de notes pour cette diapositive.';
      notesValue.replaceChildren(empty);
    }
    notesValue.scrollTop = 0;
  }

  private showFlags(position: DeckPosition): void {
    const texts = [
      position.paused ? 'Le public voit un écran noir (B ou « Écran noir » pour reprendre).' : '',
      position.overview ? 'Le public voit la vue d’ensemble des diapositives.' : '',
    ].filter(Boolean);
    this.flags.textContent = texts.join(' ');
    this.flags.hidden = texts.length === 0;
    this.pauseButton.setAttribute('aria-pressed', String(position.paused));
  }
}

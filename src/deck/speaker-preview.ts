// One of the speaker view's two previews: the deck page in ?receiver mode, moved through
// reveal.js's postMessage API once it says it is ready.
import type { DeckPosition } from './speaker-protocol.ts';

export class Preview {
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

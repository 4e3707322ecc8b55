// The speaker view's reach: its page's elements by id, and the deck window that opened it (the
// only window allowed to drive it).
export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`Vue présentateur : élément #${id} absent de la page.`);
  return found as T;
}

/** The window of the deck, if it is one of this site's (only such a window may drive us). */
export function deckWindow(): Window | null {
  const opener = window.opener as Window | null;
  if (!opener || opener.closed) return null;
  try {
    return opener.location.origin === window.location.origin ? opener : null;
  } catch {
    // Reading another origin's location throws: not our deck.
    return null;
  }
}

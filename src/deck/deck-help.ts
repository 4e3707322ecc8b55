// The deck window's keyboard help in French: reveal.js writes its help overlay (keys ? and F1)
// in English, so its content is replaced, by DOM calls, each time reveal.js shows it.
import type { RevealApi } from 'reveal.js';

/** The deck's keys (reveal.js's, in its default non-linear navigation, plus ours). */
const deckKeys: readonly (readonly [string, string])[] = [
  ['→ / ←', 'Section suivante / précédente'],
  ['↓ / ↑', 'Diapositive suivante / précédente dans la section'],
  ['Espace, N, Page suivante', 'Étape suivante (fragment ou diapositive)'],
  ['Maj + Espace, P, Page précédente', 'Étape précédente'],
  ['Alt + flèche', 'Même chose, sans les étapes (fragments)'],
  ['Maj + flèche', 'Tout au bout dans cette direction'],
  ['Début / Fin', 'Première / dernière section'],
  ['Échap ou O', 'Vue d’ensemble des diapositives'],
  ['G', 'Aller à une diapositive par son numéro'],
  ['B ou .', 'Écran noir, puis reprise'],
  ['F', 'Plein écran'],
  ['S', 'Vue présentateur (notes, suivante, temps) dans une autre fenêtre'],
  ['? ou F1', 'Cette aide'],
];

function frenchHelp(): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const title = document.createElement('p');
  title.className = 'title';
  title.textContent = 'Raccourcis clavier';
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const text of ['Touche', 'Action']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  for (const [key, action] of deckKeys) {
    const row = body.insertRow();
    row.insertCell().textContent = key;
    row.insertCell().textContent = action;
  }
  fragment.append(title, table);
  return fragment;
}

export function frenchDeckHelp(deck: RevealApi): void {
  deck.on('showhelp', () => {
    const content = deck.getRevealElement()?.querySelector('.r-overlay-help-content');
    content?.replaceChildren(frenchHelp());
    deck.getRevealElement()?.querySelector('.r-overlay-close')?.setAttribute('aria-label', 'Fermer l’aide (Échap)');
  });
  // reveal.js opens its help on the key of « ? » on a QWERTY keyboard (Shift + /); on an AZERTY
  // one « ? » is Shift + , : open it by the character typed whenever reveal.js will not.
  document.addEventListener('keydown', (event) => {
    if (event.key !== '?' || event.code === 'Slash') return;
    if (event.target instanceof HTMLElement && event.target.closest('input, textarea, select')) return;
    event.preventDefault();
    deck.toggleHelp();
  });
}

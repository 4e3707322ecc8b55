// CodeMirror's own words in French: the search and replace panel, « aller à la ligne », the
// lint panel and the view's labels, given to every editor state through EditorState.phrases.
import { EditorState } from '@codemirror/state';

export const frenchPhrases = EditorState.phrases.of({
  // @codemirror/search
  Find: 'Rechercher',
  Replace: 'Remplacer par',
  next: 'suivant',
  previous: 'précédent',
  all: 'tous',
  'match case': 'respecter la casse',
  'by word': 'mot entier',
  regexp: 'expression régulière',
  replace: 'remplacer',
  'replace all': 'tout remplacer',
  close: 'fermer',
  'current match': 'occurrence courante',
  'replaced $ matches': '$ occurrences remplacées',
  'replaced match on line $': 'occurrence remplacée à la ligne $',
  'on line': 'à la ligne',
  'Go to line': 'Aller à la ligne',
  go: 'aller',
  // @codemirror/lint
  Diagnostics: 'Diagnostics',
  'No diagnostics': 'Aucun diagnostic',
  // @codemirror/view
  'Control character': 'Caractère de contrôle',
});

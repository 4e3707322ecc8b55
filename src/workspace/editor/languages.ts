// The CodeMirror language of each kind of file: Lezer grammars for HTML, YAML and Go, the
// CodeMirror 5 modes (legacy-modes) for Dockerfile and shell; and the indentation each expects.
import { go } from '@codemirror/lang-go';
import { html } from '@codemirror/lang-html';
import { yaml } from '@codemirror/lang-yaml';
import { StreamLanguage, indentUnit } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import type { Extension } from '@codemirror/state';
import type { LanguageKind } from './language-kind.ts';

// Defined once: a StreamLanguage is a facet value, compared by identity between states.
const dockerfileLanguage = StreamLanguage.define(dockerFile);
const shellLanguage = StreamLanguage.define(shell);

/** What one Tab inserts: gofmt uses tabs, YAML forbids them. */
export const indentOf: Record<LanguageKind, string> = {
  dockerfile: '    ',
  shell: '  ',
  html: '  ',
  yaml: '  ',
  go: '\t',
  text: '  ',
};

export function languageSupport(kind: LanguageKind): Extension {
  const unit = indentUnit.of(indentOf[kind]);
  switch (kind) {
    case 'dockerfile':
      return [dockerfileLanguage, unit];
    case 'shell':
      return [shellLanguage, unit];
    case 'html':
      // No closing tag typed for the student: what they type is what the file holds.
      return [html({ autoCloseTags: false }), unit];
    case 'yaml':
      return [yaml(), unit];
    case 'go':
      return [go(), unit];
    case 'text':
      return unit;
  }
}

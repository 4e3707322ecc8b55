// The CodeMirror 6 editor of the Éditeur tab: one EditorView whose state is replaced when a
// file opens (its language, its lint, a fresh history, search and replace), and which tells
// its owner when the text differs from what was last opened or saved.
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { forEachDiagnostic, lintKeymap, openLintPanel, setDiagnosticsEffect } from '@codemirror/lint';
import { EditorSelection, EditorState, type Extension, type Text } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { highlightSelectionMatches, openSearchPanel, search, searchKeymap } from '@codemirror/search';
import { insertNewline } from './indent.ts';
import { languageKind, type LanguageKind } from './language-kind.ts';
import { indentOf, languageSupport } from './languages.ts';
import { countFindings, dockerfileLinter, type LintCounts, type LintHooks } from './lint.ts';
import { baseName } from './paths.ts';
import { frenchPhrases } from './phrases.ts';

export interface CodeEditorHooks {
  /** The text now differs from the last opened or saved one, or no longer does. */
  onDirty(dirty: boolean): void;
  /** New diagnostics (Dockerfiles only). */
  onLint(counts: LintCounts): void;
  lint: LintHooks;
}

export class CodeEditor {
  readonly view: EditorView;
  private readonly hooks: CodeEditorHooks;
  private saved: Text;
  private dirty = false;
  private kind: LanguageKind = 'text';

  constructor(parent: HTMLElement, hooks: CodeEditorHooks) {
    this.hooks = hooks;
    this.view = new EditorView({ parent, state: EditorState.create({ doc: '' }) });
    this.saved = this.view.state.doc;
  }

  private extensions(path: string): Extension[] {
    const kind = languageKind(path);
    return [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      search({ top: true }),
      frenchPhrases,
      EditorView.lineWrapping,
      placeholder('Fichier vide : commencez à écrire.'),
      EditorView.contentAttributes.of({ 'aria-label': `Contenu de ${baseName(path)}` }),
      keymap.of([
        // Enter continues a Dockerfile's or a script's `\` line with an indent (before the defaults).
        {
          key: 'Enter',
          run: insertNewline(kind === 'dockerfile' || kind === 'shell' ? indentOf[kind] : undefined),
        },
        ...historyKeymap,
        // Tab indents; Échap then Tab (CodeMirror's escape hatch) leaves the editor.
        indentWithTab,
        ...lintKeymap,
        // Ctrl+F: search and replace; F3 / Ctrl+G the next match; Ctrl+Alt+G a line number.
        ...searchKeymap,
        ...defaultKeymap,
      ]),
      languageSupport(kind),
      kind === 'dockerfile' ? dockerfileLinter(this.hooks.lint) : [],
      EditorView.updateListener.of((update) => {
        if (update.docChanged) this.updateDirty();
        if (
          this.kind === 'dockerfile' &&
          update.transactions.some((tr) => tr.effects.some((e) => e.is(setDiagnosticsEffect)))
        ) {
          const found: { severity: string }[] = [];
          forEachDiagnostic(update.state, (diagnostic) => found.push(diagnostic));
          this.hooks.onLint(countFindings(found));
        }
      }),
    ];
  }

  private updateDirty(): void {
    const dirty = !this.view.state.doc.eq(this.saved);
    if (dirty !== this.dirty) {
      this.dirty = dirty;
      this.hooks.onDirty(dirty);
    }
  }

  /** Shows a file: a new state, so undo never crosses from one file into another. */
  load(path: string, text: string): void {
    this.kind = languageKind(path);
    this.view.setState(EditorState.create({ doc: text, extensions: this.extensions(path) }));
    this.saved = this.view.state.doc;
    this.updateDirty();
  }

  /** Replaces the text with a newer version from the sandbox, keeping the cursor where it can. */
  refresh(path: string, text: string): void {
    const head = Math.min(this.view.state.selection.main.head, text.length);
    // A new state rather than a change: undo must not bring the replaced version back unnoticed.
    this.view.setState(
      EditorState.create({ doc: text, selection: EditorSelection.cursor(head), extensions: this.extensions(path) }),
    );
    this.saved = this.view.state.doc;
    this.updateDirty();
  }

  text(): Text {
    return this.view.state.doc;
  }

  /** The given text (a snapshot taken when saving started) is what the file now holds. */
  markSaved(doc: Text): void {
    this.saved = doc;
    this.updateDirty();
  }

  isDirty(): boolean {
    return this.dirty;
  }

  /** The search and replace panel, its field focused. */
  openSearch(): void {
    openSearchPanel(this.view);
  }

  openLintPanel(): void {
    openLintPanel(this.view);
  }

  focus(): void {
    this.view.focus();
  }

  destroy(): void {
    this.view.destroy();
  }
}

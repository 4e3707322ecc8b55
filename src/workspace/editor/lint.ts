// Inline lint for Dockerfiles: the server's findings (its French messages, hadolint's rule ids)
// as CodeMirror diagnostics on their line, fetched 500 ms after the last keystroke, and the
// count shown under the editor.
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { Extension, Text } from '@codemirror/state';
import type { LintFinding } from './files-api.ts';

/** Time after the last change before the server is asked, so typing does not flood it. */
export const lintDelay = 500;

export interface LintCounts {
  error: number;
  warning: number;
  info: number;
}

/** Findings as diagnostics over their line's text (the instruction's first line). */
export function findingsToDiagnostics(doc: Text, findings: readonly LintFinding[]): Diagnostic[] {
  return findings.map((finding) => {
    const line = doc.line(Math.min(Math.max(finding.line, 1), doc.lines));
    const indent = /^\s*/.exec(line.text)?.[0].length ?? 0;
    return {
      from: Math.min(line.from + indent, line.to),
      to: line.to,
      severity: finding.severity,
      // The rule id shows under the message (lint's tooltip and panel): students can look it up.
      source: finding.rule,
      message: finding.message,
    };
  });
}

export function countFindings(findings: readonly { severity: string }[]): LintCounts {
  const counts: LintCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) {
    if (finding.severity === 'error') counts.error += 1;
    else if (finding.severity === 'warning') counts.warning += 1;
    else counts.info += 1;
  }
  return counts;
}

const plural = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;

/** « 1 erreur, 2 avertissements, 1 conseil », or « Aucun problème détecté ». */
export function lintCountLabel(counts: LintCounts): string {
  const parts = [
    counts.error ? plural(counts.error, 'erreur', 'erreurs') : '',
    counts.warning ? plural(counts.warning, 'avertissement', 'avertissements') : '',
    counts.info ? plural(counts.info, 'conseil', 'conseils') : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'Aucun problème détecté';
}

export interface LintHooks {
  /** Asks the server; rejects with a French message when it cannot. */
  fetch(content: string, signal: AbortSignal): Promise<LintFinding[]>;
  /** Called when the server could not lint (message) or could again (undefined). */
  onFailure(message: string | undefined): void;
}

/** The Dockerfile linter extension: markers in the text and the gutter. */
export function dockerfileLinter(hooks: LintHooks): Extension {
  let pending: AbortController | undefined;
  return [
    linter(
      async (view) => {
        pending?.abort();
        const controller = new AbortController();
        pending = controller;
        const doc = view.state.doc;
        // An empty file is not a mistake yet: the server would ask for a FROM.
        if (doc.toString().trim() === '') return [];
        try {
          const findings = await hooks.fetch(doc.toString(), controller.signal);
          hooks.onFailure(undefined);
          return findingsToDiagnostics(doc, findings);
        } catch (error) {
          if ((error as Error).name !== 'AbortError') hooks.onFailure((error as Error).message);
          return [];
        }
      },
      { delay: lintDelay },
    ),
    lintGutter(),
  ];
}

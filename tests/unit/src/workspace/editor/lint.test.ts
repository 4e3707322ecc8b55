// Unit tests of the editor's inline lint: findings placed on their line, the French count.
import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { countFindings, findingsToDiagnostics, lintCountLabel } from '../../../../../src/workspace/editor/lint.ts';

describe('findingsToDiagnostics', () => {
  const doc = Text.of(['FROM debian:latest', '  ADD app /app', '']);
  it('covers the line from its first non-blank character, with the rule as source', () => {
    const [first, second] = findingsToDiagnostics(doc, [
      { rule: 'DL3007', line: 1, severity: 'warning', message: 'Le tag « latest »…' },
      { rule: 'DL3020', line: 2, severity: 'error', message: 'Utilisez COPY…' },
    ]);
    expect(first).toMatchObject({
      from: 0,
      to: 18,
      severity: 'warning',
      source: 'DL3007',
      message: 'Le tag « latest »…',
    });
    expect(second).toMatchObject({ from: 21, to: 33, severity: 'error', source: 'DL3020' });
  });
  it('keeps a line beyond the text (it changed meanwhile) inside the document', () => {
    const [finding] = findingsToDiagnostics(doc, [{ rule: 'DL1000', line: 9, severity: 'error', message: 'x' }]);
    expect(finding).toMatchObject({ from: doc.length, to: doc.length });
  });
});

describe('lintCountLabel', () => {
  it.each([
    [[], 'Aucun problème détecté'],
    [['warning'], '1 avertissement'],
    [['warning', 'warning'], '2 avertissements'],
    [['error', 'warning', 'warning', 'info'], '1 erreur, 2 avertissements, 1 conseil'],
    [['error', 'error', 'info', 'info'], '2 erreurs, 2 conseils'],
  ])('%j → %s', (severities, label) => {
    expect(lintCountLabel(countFindings(severities.map((severity) => ({ severity }))))).toBe(label);
  });
});

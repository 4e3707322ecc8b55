// Unit tests of what Enter indents in the editor, `\` continuations of Dockerfiles included.
import { EditorState, type Transaction } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { insertNewline, newLineIndent } from '../../../../../src/workspace/editor/indent.ts';

/** Types `lines` one by one, pressing Enter after each, as a student would. */
function typeLines(lines: string[], continuation: string | undefined): string {
  let state = EditorState.create({ doc: '' });
  const dispatch = (tr: Transaction) => {
    state = tr.state;
  };
  for (const line of lines) {
    state = state.update(state.replaceSelection(line)).state;
    insertNewline(continuation)({ state, dispatch });
  }
  return state.doc.toString();
}

describe('Enter in a Dockerfile', () => {
  it('indents after the first `\\`, keeps it, and goes back after the last one', () => {
    expect(
      typeLines(
        [
          'FROM debian:bookworm',
          'RUN apt-get update \\',
          '&& apt-get install -y apache2 \\',
          '&& rm -rf /var/lib/apt/lists/*',
          'COPY index.html /var/www/html/',
        ],
        '    ',
      ),
    ).toBe(
      [
        'FROM debian:bookworm',
        'RUN apt-get update \\',
        '    && apt-get install -y apache2 \\',
        '    && rm -rf /var/lib/apt/lists/*',
        'COPY index.html /var/www/html/',
        '',
      ].join('\n'),
    );
  });
});

describe('newLineIndent', () => {
  const doc = EditorState.create({ doc: '  if x; then\n\techo \\' }).doc;
  it('keeps the indentation before the cursor', () => {
    expect(newLineIndent(doc, doc.line(1).to, undefined)).toBe('  ');
    expect(newLineIndent(doc, 1, undefined)).toBe(' ');
  });
  it('does not follow `\\` where it means nothing', () => {
    expect(newLineIndent(doc, doc.length, undefined)).toBe('\t');
    expect(newLineIndent(doc, doc.length, '  ')).toBe('\t  ');
  });
});

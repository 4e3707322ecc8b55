// What Enter inserts in the editor, ahead of @codemirror/commands' own: it keeps the line's
// indentation, and in Dockerfiles and shell scripts follows `\` continuations: the line after the
// first `\` is indented, the line after the last one goes back to the instruction.
import { EditorSelection, type StateCommand, type Text } from '@codemirror/state';

const continues = (text: string) => text.trimEnd().endsWith('\\');
const indentOfText = (text: string) => /^[ \t]*/.exec(text)?.[0] ?? '';

/** The first line of the instruction that line `number` belongs to (a few hundred lines up at most). */
function instructionStart(doc: Text, number: number): number {
  let start = number;
  while (start > 1 && number - start < 500 && continues(doc.line(start - 1).text)) start -= 1;
  return start;
}

/**
 * The indentation of a new line typed at `pos`; `continuation` is the extra indentation of
 * continued lines, undefined where `\` means nothing (HTML, YAML, Go, text).
 */
export function newLineIndent(doc: Text, pos: number, continuation: string | undefined): string {
  const line = doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  const own = indentOfText(before);
  if (continuation === undefined) return own;
  const start = instructionStart(doc, line.number);
  const first = indentOfText(doc.line(start).text);
  if (continues(before)) return start === line.number ? first + continuation : own;
  return start === line.number ? own : first;
}

export function insertNewline(continuation: string | undefined): StateCommand {
  return ({ state, dispatch }) => {
    const changes = state.changeByRange((range) => {
      const insert = '\n' + newLineIndent(state.doc, range.from, continuation);
      return {
        changes: { from: range.from, to: range.to, insert },
        range: EditorSelection.cursor(range.from + insert.length),
      };
    });
    dispatch(state.update(changes, { scrollIntoView: true, userEvent: 'input.type' }));
    return true;
  };
}

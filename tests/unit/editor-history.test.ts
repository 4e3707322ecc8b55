// Unit tests of the editor's undo history (the project has no @codemirror/commands).
import { EditorState, type Transaction } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { history, redo, undo, undoDepth } from '../../src/workspace/editor/history.ts';

function editor(doc: string) {
  let state = EditorState.create({ doc, extensions: history() });
  const dispatch = (tr: Transaction) => {
    state = tr.state;
  };
  return {
    get state() {
      return state;
    },
    type(text: string, at = state.doc.length) {
      dispatch(state.update({ changes: { from: at, insert: text }, userEvent: 'input.type' }));
    },
    replace(text: string) {
      dispatch(state.update({ changes: { from: 0, to: state.doc.length, insert: text }, userEvent: 'input.paste' }));
    },
    undo: () => undo({ state, dispatch }),
    redo: () => redo({ state, dispatch }),
  };
}

describe('history', () => {
  it('undoes quick typing as one step, then redoes it', () => {
    const e = editor('FROM ');
    e.type('d');
    e.type('e');
    e.type('b');
    expect(undoDepth(e.state)).toBe(1);
    expect(e.undo()).toBe(true);
    expect(e.state.doc.toString()).toBe('FROM ');
    expect(e.redo()).toBe(true);
    expect(e.state.doc.toString()).toBe('FROM deb');
    expect(e.redo()).toBe(false);
  });

  it('keeps steps apart when they are not both typing, and a new edit drops the redo', () => {
    const e = editor('a');
    e.type('b');
    e.replace('RUN true');
    expect(undoDepth(e.state)).toBe(2);
    e.undo();
    expect(e.state.doc.toString()).toBe('ab');
    e.type('c');
    expect(e.redo()).toBe(false);
    e.undo();
    e.undo();
    expect(e.state.doc.toString()).toBe('a');
    expect(e.undo()).toBe(false);
  });
});

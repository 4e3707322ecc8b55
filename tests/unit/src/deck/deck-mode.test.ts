// Unit tests of the deck page's modes and of the reveal.js settings each one gets.
import { describe, expect, it } from 'vitest';
import { deckConfig, readDeckMode, withMode } from '../../../../src/deck/deck-mode.ts';

describe('readDeckMode', () => {
  it('reads the mode from the query string, print first', () => {
    expect(readDeckMode('')).toBe('normal');
    expect(readDeckMode('?transition=none')).toBe('normal');
    expect(readDeckMode('?presenter')).toBe('presenter');
    expect(readDeckMode('?receiver&transition=none')).toBe('receiver');
    expect(readDeckMode('?print-pdf&presenter')).toBe('print');
  });
});

describe('withMode', () => {
  it('adds or removes ?presenter and keeps the rest of the address', () => {
    expect(withMode('http://h/decks/d/?transition=none#/2/1', 'presenter')).toBe(
      'http://h/decks/d/?transition=none&presenter#/2/1',
    );
    expect(withMode('http://h/decks/d/?presenter&transition=none#/2', 'normal')).toBe(
      'http://h/decks/d/?transition=none#/2',
    );
    expect(withMode('http://h/decks/d/?presenter', 'normal')).toBe('http://h/decks/d/');
    expect(withMode('http://h/decks/d/', 'presenter')).toBe('http://h/decks/d/?presenter');
  });
});

describe('deckConfig', () => {
  it('makes previews passive: no controls, keyboard or hash, events posted to the speaker view', () => {
    const config = deckConfig('receiver', '?receiver');
    expect(config).toMatchObject({
      postMessage: true,
      postMessageEvents: true,
      controls: false,
      progress: false,
      keyboard: false,
      hash: false,
      transition: 'none',
    });
  });

  it('keeps the deck window drivable and in the URL, and honours ?transition=none', () => {
    expect(deckConfig('normal', '')).toMatchObject({
      postMessage: true,
      hash: true,
      controls: true,
      transition: 'slide',
    });
    expect(deckConfig('presenter', '?transition=none').transition).toBe('none');
    expect(deckConfig('normal', '').postMessageEvents).toBeUndefined();
    expect(deckConfig('print', '?print-pdf').embedded).toBe(false);
    expect(deckConfig('presenter', '').embedded).toBe(true);
  });
});

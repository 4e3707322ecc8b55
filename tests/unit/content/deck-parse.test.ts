// Unit tests of the pure deck parser, on a fixture deck.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitDeckSource } from '../../../content/deck-loader.ts';
import { countSlides, DeckParseError, parseDeck, type DeckSlide } from '../../../content/deck-parse.ts';

const fixture = readFileSync(new URL('../../fixtures/deck-basic.md', import.meta.url), 'utf8');

describe('parseDeck', () => {
  const { body } = splitDeckSource(fixture);
  const sections = parseDeck(body);

  it('splits horizontal sections on --- and vertical slides on --', () => {
    expect(sections.map((s) => s.length)).toEqual([2, 1]);
    expect(countSlides(sections)).toBe(3);
  });

  it('keeps separators that are inside code fences', () => {
    expect(sections[0]?.[1]?.markdown).toContain('FROM debian:bookworm\n---\n--');
  });

  it('extracts slide attributes and removes the comment', () => {
    expect(sections[0]?.[0]?.attributes).toEqual({ 'data-state': 'nologo-slide', style: 'text-align: center' });
    expect(sections[0]?.[0]?.markdown).not.toContain('.slide:');
  });

  it('extracts speaker notes', () => {
    expect(sections[0]?.[1]?.notes).toBe('Ce que dit le présentateur.');
    expect(sections[0]?.[1]?.markdown).not.toContain('Note:');
  });

  it('finds slide titles', () => {
    expect(sections.flat().map((s) => s.title)).toEqual(['Titre', 'Deuxième', 'Partie 2']);
  });

  it('ignores headings and notes markers inside code blocks', () => {
    const [[slide]] = parseDeck('```dockerfile\n# Not a title\nNote: not notes\n```\n\nText') as [[DeckSlide]];
    expect(slide.title).toBe('');
    expect(slide.notes).toBe('');
    expect(slide.markdown).toContain('Note: not notes');
  });

  it('refuses unknown slide attributes', () => {
    expect(() => parseDeck('# A\n<!-- .slide: onclick="x()" -->')).toThrow(DeckParseError);
  });
});

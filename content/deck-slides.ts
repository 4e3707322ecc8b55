// The slides of a deck in reading order, with their ids (`<!-- .slide: id="…" -->`) and a short
// title: TP steps link to the slides they practise, and the content tests check that each TP
// link of the deck comes after those slides.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDeck, type DeckSlide } from './deck-parse.ts';
import { splitFrontMatter } from './front-matter.ts';

/** Default location of the decks: slides/ of the project, where the build and the server run. */
export const defaultSlidesDir = path.resolve(process.cwd(), 'slides');

export interface DeckSlideRef {
  /** Position in reading order (0-based, vertical slides included). */
  position: number;
  h: number;
  v: number;
  id?: string;
  /** The slide's heading, else its first line of text (shortened), else its section's. */
  title: string;
  slide: DeckSlide;
}

const maxTitle = 70;

function plain(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*_\\]/g, '')
    .trim();
}

function firstLine(markdown: string): string {
  const line = markdown
    .split('\n')
    .map((text) => plain(text.replace(/^\s*([-*]|\d+\.)\s+/, '')))
    .find((text) => text.length > 0 && !text.startsWith('```'));
  if (!line) return '';
  return line.length > maxTitle ? `${line.slice(0, maxTitle - 1).trimEnd()}…` : line;
}

/** Every slide of a deck body, in reading order. */
export function deckSlideRefs(body: string): DeckSlideRef[] {
  const refs: DeckSlideRef[] = [];
  for (const section of parseDeck(body)) {
    const sectionTitle = section.find((slide) => slide.title)?.title ?? '';
    for (const slide of section) {
      const id = slide.attributes.id;
      refs.push({
        position: refs.length,
        h: slide.h,
        v: slide.v,
        ...(id ? { id } : {}),
        title: slide.title || firstLine(slide.markdown) || sectionTitle,
        slide,
      });
    }
  }
  return refs;
}

/** The slides of slides/<deckId>.md, in reading order. */
export function loadDeckSlides(deckId: string, slidesDir: string = defaultSlidesDir): DeckSlideRef[] {
  const source = readFileSync(path.join(slidesDir, `${deckId}.md`), 'utf8');
  return deckSlideRefs(splitFrontMatter(source)?.body ?? source);
}

/** Address of a slide in the deck's page (reveal.js reads the id from the hash). */
export function slideHref(deckId: string, slideId: string): string {
  return `/decks/${deckId}/#/${slideId}`;
}

/** The ids of the decks (one markdown file each in the slides folder). */
export function deckIds(slidesDir: string = defaultSlidesDir): string[] {
  return readdirSync(slidesDir)
    .filter((file) => file.endsWith('.md'))
    .map((file) => file.slice(0, -3))
    .sort();
}

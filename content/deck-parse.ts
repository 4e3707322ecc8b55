// Pure parser of our reveal.js markdown decks: splits the body into horizontal sections of
// vertical slides, and pulls out slide attributes and speaker notes. No Astro, no DOM.

/** A slide of a deck, before its markdown is rendered. */
export interface DeckSlide {
  /** Position in the deck: horizontal section index and vertical index inside it (0-based). */
  h: number;
  v: number;
  /** Attributes from `<!-- .slide: ... -->` (e.g. `data-state`, `style`). */
  attributes: Record<string, string>;
  /** The slide's markdown, without its `.slide` comment and its notes. */
  markdown: string;
  /** Speaker notes (markdown), from a line starting with `Note:` to the end of the slide. */
  notes: string;
  /** The slide's first heading, as plain text, or '' when it has none. */
  title: string;
}

export type DeckSection = DeckSlide[];

/** Attributes a `.slide` comment may set; anything else is refused so typos are caught. */
const allowedAttribute = /^(data-[a-z-]+|style|class|id)$/;

const slideComment = /<!--\s*\.slide:\s*(.*?)\s*-->/g;
const attributePattern = /([\w-]+)\s*=\s*"([^"]*)"/g;

export class DeckParseError extends Error {}

/** Parses the attribute list of a `.slide` or `.element` comment. */
export function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(attributePattern)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) attributes[name] = value;
  }
  return attributes;
}

/** Splits text on lines made only of `separator`, surrounded by blank lines. */
function splitOn(text: string, separator: string): string[] {
  const lines = text.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] = [];
  let inFence = false;
  for (const line of lines) {
    // A separator inside a fenced code block is code, not a slide break.
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && line === separator) {
      parts.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  parts.push(current.join('\n'));
  return parts;
}

/** The markdown with fenced code blocks blanked out, so `#` comments and `Note:` in code are not read as structure. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '));
}

function headingText(markdown: string): string {
  const match = /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(withoutCode(markdown));
  if (!match?.[1]) return '';
  return match[1]
    .replace(/[`*_]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim();
}

function parseSlide(source: string, h: number, v: number): DeckSlide {
  const attributes: Record<string, string> = {};
  let markdown = source.replace(slideComment, (_all, attrs: string) => {
    Object.assign(attributes, parseAttributes(attrs));
    return '';
  });
  for (const name of Object.keys(attributes)) {
    if (!allowedAttribute.test(name)) {
      throw new DeckParseError(
        `Diapositive ${h + 1}.${v + 1} : attribut « ${name} » non autorisé dans <!-- .slide: -->.`,
      );
    }
  }
  let notes = '';
  const notesMatch = /^note:/im.exec(withoutCode(markdown));
  if (notesMatch) {
    notes = markdown.slice(notesMatch.index + notesMatch[0].length).trim();
    markdown = markdown.slice(0, notesMatch.index);
  }
  markdown = markdown.trim();
  return { h, v, attributes, markdown, notes, title: headingText(markdown) };
}

/** Parses a deck body (front matter already removed) into sections of slides. */
export function parseDeck(body: string): DeckSection[] {
  return splitOn(body, '---')
    .map((section) => splitOn(section, '--'))
    .filter((slides) => slides.some((s) => s.trim() !== ''))
    .map((slides, h) => slides.filter((s) => s.trim() !== '').map((source, v) => parseSlide(source, h, v)));
}

/** Total number of slides (horizontal and vertical) of a parsed deck. */
export function countSlides(sections: DeckSection[]): number {
  return sections.reduce((total, slides) => total + slides.length, 0);
}

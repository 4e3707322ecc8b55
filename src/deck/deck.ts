// Builds a renderable deck from its markdown body: parsed slides, their HTML and notes, and
// the table of contents. Used by the deck page at build time and by the content tests.
import { deckStates, type DeckState } from '../../shared/deck-schema.ts';
import { DeckParseError, parseDeck, type DeckSlide } from '../../content/deck-parse.ts';
import { renderMarkdown } from '../../content/markdown.ts';

export interface RenderedSlide extends DeckSlide {
  html: string;
  notesHtml: string;
  /** Classes for the slide's section: its data-state as `deck-state-<state>`, plus its own class. */
  className: string;
  images: string[];
  links: string[];
}

export interface TocEntry {
  h: number;
  v: number;
  title: string;
}

export interface RenderedDeck {
  sections: RenderedSlide[][];
  toc: { title: string; h: number; slides: TocEntry[] }[];
  slideCount: number;
}

function isDeckState(value: string): value is DeckState {
  return (deckStates as readonly string[]).includes(value);
}

export async function renderDeck(body: string): Promise<RenderedDeck> {
  const parsed = parseDeck(body);
  const sections = await Promise.all(
    parsed.map((slides) =>
      Promise.all(
        slides.map(async (slide): Promise<RenderedSlide> => {
          const state = slide.attributes['data-state'];
          if (state !== undefined && !isDeckState(state)) {
            throw new DeckParseError(
              `Diapositive ${slide.h + 1}.${slide.v + 1} : data-state « ${state} » inconnu (connus : ${deckStates.join(', ')}).`,
            );
          }
          const [content, notes] = await Promise.all([
            renderMarkdown(slide.markdown),
            slide.notes ? renderMarkdown(slide.notes) : Promise.resolve({ html: '' }),
          ]);
          const className = [state ? `deck-state-${state}` : '', slide.attributes.class ?? '']
            .filter(Boolean)
            .join(' ');
          return {
            ...slide,
            html: content.html,
            notesHtml: notes.html,
            className,
            images: content.images,
            links: content.links,
          };
        }),
      ),
    ),
  );
  const toc = sections.map((slides, h) => {
    let sectionTitle = '';
    const entries: TocEntry[] = [];
    slides.forEach((slide, v) => {
      if (!sectionTitle && slide.title) sectionTitle = slide.title;
      // Untitled follow-up slides continue the topic of the last titled one: no entry of their own.
      if (slide.title && (v > 0 || slides.length === 1 || slide.title !== sectionTitle)) {
        entries.push({ h, v, title: slide.title });
      }
    });
    return { title: sectionTitle || `Partie ${h + 1}`, h, slides: entries };
  });
  return { sections, toc, slideCount: sections.reduce((n, s) => n + s.length, 0) };
}

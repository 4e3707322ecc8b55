// Schema of a deck's front matter, shared by the Astro build and the tests.
import { z } from 'zod';

/** The slide states a deck may use in `<!-- .slide: data-state="..." -->`; each has a style in the deck theme. */
export const deckStates = [
  'small-code',
  'medium-code',
  'small-table',
  'medium-table',
  'cheat-sheet',
  'nologo-slide',
] as const;

export type DeckState = (typeof deckStates)[number];

export const deckSchema = z.strictObject({
  /** Title of the deck, shown on the home page and in the browser tab. */
  title: z.string().min(1).max(120),
  /** One French sentence saying what the deck covers. */
  description: z.string().min(1).max(400),
  /** Position of the deck in the course (smallest first). */
  order: z.number().int().min(0),
  /** Authors credited on the home page. */
  authors: z.array(z.string().min(1)).default([]),
});

export type DeckMeta = z.infer<typeof deckSchema>;

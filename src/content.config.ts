// Content collections: every deck under slides/ is validated against the deck schema at build time.
import { defineCollection } from 'astro:content';
import { deckLoader } from '../content/deck-loader.ts';
import { deckSchema } from '../shared/deck-schema.ts';

const decks = defineCollection({
  loader: deckLoader('./slides'),
  schema: deckSchema,
});

export const collections = { decks };

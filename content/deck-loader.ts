// Astro content loader for decks: reads slides/*.md, validates the front matter against the
// collection schema and keeps the raw body, which our own deck renderer turns into slides.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Loader } from 'astro/loaders';
import { splitFrontMatter } from './front-matter.ts';

/** A deck's front matter (empty when absent) and its slides' source. */
export function splitDeckSource(source: string): { frontMatter: unknown; body: string } {
  const split = splitFrontMatter(source);
  return split ? { frontMatter: split.data, body: split.body } : { frontMatter: {}, body: source };
}

export function deckLoader(dir: string): Loader {
  return {
    name: 'deck-loader',
    async load(context) {
      const { store, watcher } = context;
      const root = path.resolve(dir);
      const files = (await readdir(root)).filter((f) => f.endsWith('.md')).sort();
      store.clear();
      for (const file of files) {
        const source = await readFile(path.join(root, file), 'utf8');
        const { frontMatter, body } = splitDeckSource(source);
        const id = file.replace(/\.md$/, '');
        const data = await context.parseData({
          id,
          data: frontMatter as Record<string, unknown>,
          filePath: path.join(dir, file),
        });
        store.set({ id, data, body, filePath: path.join(dir, file), digest: context.generateDigest(source) });
      }
      watcher?.add(root);
    },
  };
}

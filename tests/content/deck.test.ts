// Content checks of every deck: front matter, slides, images and links, and the deck page's
// JavaScript weight once built.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderDeck } from '../../src/deck/deck.ts';
import { splitDeckSource } from '../../content/deck-loader.ts';
import { deckSchema } from '../../shared/deck-schema.ts';

const root = path.resolve(import.meta.dirname, '../..');
const deckFiles = readdirSync(path.join(root, 'slides')).filter((f) => f.endsWith('.md'));
const labIds = readdirSync(path.join(root, 'labs'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name);
/** Routes the site builds besides decks and TPs. */
const staticRoutes = ['/', '/bac-a-sable/'];

describe.each(deckFiles)('deck %s', (file) => {
  const { frontMatter, body } = splitDeckSource(readFileSync(path.join(root, 'slides', file), 'utf8'));

  it('has a valid front matter', () => {
    expect(deckSchema.safeParse(frontMatter).error).toBeUndefined();
  });

  it('parses, and every slide has content', async () => {
    const deck = await renderDeck(body);
    expect(deck.slideCount).toBeGreaterThan(0);
    for (const slide of deck.sections.flat()) {
      expect(
        slide.html.replace(/<[^>]*>/g, '').trim().length + slide.images.length,
        `slide ${slide.h}.${slide.v}`,
      ).toBeGreaterThan(0);
    }
  });

  it('uses only images that exist, each with an alt text', async () => {
    const deck = await renderDeck(body);
    for (const slide of deck.sections.flat()) {
      for (const src of slide.images) {
        expect(existsSync(path.join(root, 'public', src)), `${src} (slide ${slide.h}.${slide.v})`).toBe(true);
      }
      for (const match of slide.html.matchAll(/<img[^>]*>/g)) {
        expect(match[0], `slide ${slide.h}.${slide.v}`).toMatch(/alt="[^"]{3,}"/);
      }
    }
  });

  it('links only to pages the site builds, or to absolute web addresses', async () => {
    const deck = await renderDeck(body);
    const decks = deckFiles.map((f) => `/decks/${f.replace(/\.md$/, '')}/`);
    const labs = ['tp-images', 'tp-dockerfile', ...labIds].map((id) => `/tp/${id}/`);
    const known = new Set([...staticRoutes, ...decks, ...labs]);
    for (const slide of deck.sections.flat()) {
      for (const href of slide.links) {
        if (/^https?:\/\//.test(href) || href.startsWith('#')) continue;
        // A TP link may name the step it opens (#<step id>): lab-deck-order.test.ts checks it.
        expect(known.has(href.replace(/#[a-z0-9-]+$/, '')), `${href} (slide ${slide.h}.${slide.v})`).toBe(true);
      }
    }
  });

  it('uses only images drawn for the course (SVG)', async () => {
    const deck = await renderDeck(body);
    for (const src of deck.sections.flat().flatMap((s) => s.images)) expect(src).toMatch(/\.svg$/);
  });
});

describe('deck illustrations', () => {
  const dir = path.join(root, 'public/slides/images');
  it.each(readdirSync(dir).filter((f) => f.endsWith('.svg')))('%s is a standalone SVG with a title', (file) => {
    const svg = readFileSync(path.join(dir, file), 'utf8');
    expect(svg).toMatch(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/<title[^>]*>[^<]+<\/title>/);
    expect(svg).not.toMatch(/(href|src)="https?:/);
  });
});

describe.runIf(existsSync(path.join(root, 'dist/decks')))('built deck page', () => {
  it('ships at most 80 KB of gzipped JavaScript', () => {
    const html = readFileSync(path.join(root, 'dist/decks/images-de-conteneurs/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1] ?? '');
    const inline = [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '').join('');
    let total = gzipSync(inline).length;
    for (const src of scripts) total += gzipSync(readFileSync(path.join(root, 'dist', src))).length;
    expect(total).toBeLessThanOrEqual(80 * 1024);
  });
});

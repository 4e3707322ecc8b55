// The course in the deck's order: every TP step names slides of its deck that exist, and each
// TP link of the deck (`/tp/<lab>/` or `/tp/<lab>/#<step>`, which starts a part of the TP)
// comes after every slide that the steps of its part practise.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeckSlides } from '../../content/deck-slides.ts';
import { loadLabs } from '../../content/labs.ts';
import { renderDeck } from '../../src/deck/deck.ts';
import { readFileSync } from 'node:fs';
import { splitDeckSource } from '../../content/deck-loader.ts';

const root = path.resolve(import.meta.dirname, '../..');
const labs = loadLabs(path.join(root, 'labs'));
const slidesDir = path.join(root, 'slides');

interface TpLink {
  /** Reading-order position of the slide holding the link. */
  position: number;
  /** Index of the step the part starts at. */
  firstStep: number;
  href: string;
}

/** The TP links of a deck, per lab, from the rendered slides. */
async function tpLinks(deckId: string): Promise<Map<string, TpLink[]>> {
  const { body } = splitDeckSource(readFileSync(path.join(slidesDir, `${deckId}.md`), 'utf8'));
  const deck = await renderDeck(body);
  const links = new Map<string, TpLink[]>();
  deck.sections.flat().forEach((slide, position) => {
    for (const href of slide.links) {
      const match = /^\/tp\/([a-z0-9-]+)\/(?:#([a-z0-9-]+))?$/.exec(href);
      if (!match?.[1]) continue;
      const lab = labs.find((candidate) => candidate.id === match[1]);
      expect(lab, `${href}: no such TP`).toBeDefined();
      const firstStep = match[2] ? (lab?.steps.findIndex((step) => step.id === match[2]) ?? -1) : 0;
      expect(firstStep, `${href}: no such step`).toBeGreaterThanOrEqual(0);
      links.set(match[1], [...(links.get(match[1]) ?? []), { position, firstStep, href }]);
    }
  });
  return links;
}

describe.each(labs.map((lab) => [lab.id, lab] as const))('TP %s in its deck', (_id, lab) => {
  const slides = loadDeckSlides(lab.deck, slidesDir);
  const positionOf = new Map(slides.flatMap((ref) => (ref.id ? [[ref.id, ref.position] as const] : [])));

  it('names, for every step, slides that its deck has', () => {
    for (const step of lab.steps) {
      for (const id of step.slides) expect(positionOf.has(id), `${step.id}: slide ${id}`).toBe(true);
    }
  });

  it('has unique slide ids in its deck', () => {
    const ids = slides.flatMap((ref) => (ref.id ? [ref.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is linked from its deck only after the slides its steps practise, part by part', async () => {
    const links = (await tpLinks(lab.deck)).get(lab.id) ?? [];
    expect(links.length, 'the deck links to the TP').toBeGreaterThan(0);
    const parts = [...links].sort((a, b) => a.firstStep - b.firstStep);
    expect(parts[0]?.firstStep, 'a link to the TP itself (its first step)').toBe(0);
    // Parts follow each other in the deck as in the TP.
    for (let i = 1; i < parts.length; i++) {
      expect(parts[i]?.position, parts[i]?.href).toBeGreaterThan(parts[i - 1]?.position ?? -1);
    }
    parts.forEach((part, i) => {
      const end = parts[i + 1]?.firstStep ?? lab.steps.length;
      for (const step of lab.steps.slice(part.firstStep, end)) {
        for (const id of step.slides) {
          expect(
            positionOf.get(id),
            `${step.id} practises slide ${id}, which comes after the link ${part.href}`,
          ).toBeLessThan(part.position);
        }
      }
    });
  });
});

// The built TP pages hold no hint, no solution and no answer: those come from the API on
// demand. Needs the site built (the test run builds it first).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHelp } from '../../content/help.ts';
import { loadLabs } from '../../content/labs.ts';
import { renderMarkdown } from '../../content/markdown.ts';

const root = path.resolve(import.meta.dirname, '../..');
const labs = loadLabs(path.join(root, 'labs'));
const help = await renderHelp(labs);

/** The visible text of some HTML, in lines worth looking for (long enough to be telling). */
function telling(html: string): string[] {
  return html
    .replace(/<[^>]+>/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= 25);
}

/** What a TP page shows anyway: its description and every step's instructions, as HTML. */
const shown = new Map<string, string>();
for (const lab of labs) {
  const parts = [lab.description, ...lab.steps.map((s) => s.instructions)];
  const html = await Promise.all(parts.map(async (md) => (await renderMarkdown(md, { commandBlocks: true })).html));
  shown.set(lab.id, html.join('\n'));
}

describe.each(labs.map((lab) => [lab.id, lab] as const))('TP page %s', (id, lab) => {
  const page = readFileSync(path.join(root, 'dist/tp', id, 'index.html'), 'utf8');
  const instructions = shown.get(id) ?? '';

  it('holds none of its hints nor solutions', () => {
    expect(page).not.toContain('data-solution-body');
    for (const step of lab.steps) {
      const stepHelp = help(lab.id, step.id);
      expect(stepHelp).toBeDefined();
      for (const html of [...(stepHelp?.hints ?? []), stepHelp?.solution ?? '']) {
        expect(page).not.toContain(html);
        // Lines a solution shares with the instructions (a command some step shows) may be there.
        for (const line of telling(html)) if (!instructions.includes(line)) expect(page).not.toContain(line);
      }
    }
  });

  it('still says how many hints each step has', () => {
    for (const step of lab.steps) {
      if (step.hints.length > 0) expect(page).toContain(`Indice (${step.hints.length})`);
    }
  });
});

// Hints and solutions rendered to HTML once, at server start, for the API to hand out on demand:
// they are not in the TP pages, so their source does not give the answers away.
import type { Lab } from '../shared/lab-schema.ts';
import { renderMarkdown } from './markdown.ts';

/** A step's help, as HTML. */
export interface StepHelp {
  hints: string[];
  solution: string;
}

/** Key of a step in the help map. */
export function helpKey(labId: string, stepId: string): string {
  return `${labId}/${stepId}`;
}

export async function renderHelp(labs: Iterable<Lab>): Promise<Map<string, StepHelp>> {
  const html = async (markdown: string) => (await renderMarkdown(markdown, { commandBlocks: true })).html;
  const help = new Map<string, StepHelp>();
  for (const lab of labs) {
    for (const step of lab.steps) {
      help.set(helpKey(lab.id, step.id), {
        hints: await Promise.all(step.hints.map(html)),
        solution: await html(step.solution),
      });
    }
  }
  return help;
}

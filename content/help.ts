// Hints and solutions rendered to HTML once, at server start, for the API to hand out on demand:
// they are not in the TP pages, so their source does not give the answers away.
import type { Lab } from '../shared/lab-schema.ts';
import { renderMarkdown } from './markdown.ts';

/** A step's help, as HTML. */
export interface StepHelp {
  hints: string[];
  solution: string;
}

/** A step's help, by TP and step id; undefined for a step that does not exist. */
export type HelpLookup = (labId: string, stepId: string) => StepHelp | undefined;

export async function renderHelp(labs: Iterable<Lab>): Promise<HelpLookup> {
  const html = async (markdown: string) => (await renderMarkdown(markdown, { commandBlocks: true })).html;
  const help = new Map<string, Map<string, StepHelp>>();
  for (const lab of labs) {
    const steps = new Map<string, StepHelp>();
    for (const step of lab.steps) {
      steps.set(step.id, { hints: await Promise.all(step.hints.map(html)), solution: await html(step.solution) });
    }
    help.set(lab.id, steps);
  }
  return (labId, stepId) => help.get(labId)?.get(stepId);
}

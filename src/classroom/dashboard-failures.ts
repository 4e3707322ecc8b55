// The dashboard's failed checks: grouped by step, the most common mistake first, who made it in
// each line's tooltip.
import type { Dashboard } from '../../shared/contract.ts';
import { el } from '../dom/element.ts';
import { failureLabel, labTitle, stepTitle, type Labs } from './dashboard-rows.ts';

export function renderFailures(failures: HTMLElement, labs: Labs, groups: Dashboard['failures']): void {
  if (groups.length === 0) {
    failures.replaceChildren(el('p', { class: 'muted' }, 'Aucune vérification échouée pour l’instant.'));
    return;
  }
  const bySteps = new Map<string, Dashboard['failures']>();
  for (const group of [...groups].sort((a, b) => b.count - a.count)) {
    const key = `${group.lab}\u0000${group.step}`;
    bySteps.set(key, [...(bySteps.get(key) ?? []), group]);
  }
  failures.replaceChildren(
    ...[...bySteps.values()].map((list) =>
      el(
        'div',
        { class: 'failure-step', 'data-failure-step': `${list[0]?.lab}/${list[0]?.step}` },
        el(
          'h3',
          {},
          `${labTitle(labs, list[0]?.lab ?? null)} · ${stepTitle(labs, list[0]?.lab ?? null, list[0]?.step ?? null)}`,
        ),
        el(
          'ul',
          {},
          ...list.map((g) =>
            el('li', { 'data-failure': '', title: g.names.join(', ') }, failureLabel(g.count, g.message)),
          ),
        ),
      ),
    ),
  );
}

// The instructor space's two lists read from the API: the classes (newest first, each with its
// dashboard link) and the TP choices of the « Nouveau cours » form.
import { classListSchema, labListSchema } from '../../shared/contract.ts';
import { el, required } from '../dom/element.ts';
import { formatDateTime } from './format.ts';
import { ApiRequestError, errorMessage, requestJson } from './http.ts';

/** The dashboard of a class. */
export function dashboardHref(classId: string): string {
  return `/formateur/cours/?id=${encodeURIComponent(classId)}`;
}

/** Lists the instructor's classes; `onSignedOut` when the session has expired. */
export async function loadClasses(root: HTMLElement, onSignedOut: () => void): Promise<void> {
  const list = required<HTMLTableElement>(root, '[data-class-list]');
  const empty = required(root, '[data-class-empty]');
  const listError = required(root, '[data-list-error]');
  try {
    // The server lists them newest first.
    const classes = await requestJson('/api/classes', classListSchema);
    listError.hidden = true;
    empty.hidden = classes.length > 0;
    list.hidden = classes.length === 0;
    required(list, 'tbody').replaceChildren(
      ...classes.map((c) =>
        el(
          'tr',
          { 'data-class-row': c.id, class: c.endedAt ? 'ended' : null },
          el('td', {}, c.title),
          el('td', {}, el('code', { class: 'class-code-small' }, c.code)),
          el('td', {}, `${c.memberCount} / ${c.seats}`),
          el('td', {}, c.endedAt ? `Terminé (${formatDateTime(c.endedAt)})` : formatDateTime(c.endsAt)),
          el(
            'td',
            {},
            el(
              'a',
              {
                class: 'button secondary',
                href: dashboardHref(c.id),
                'aria-label': `Ouvrir le tableau de bord de « ${c.title} »`,
              },
              'Ouvrir le tableau de bord',
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 401) return onSignedOut();
    listError.textContent = errorMessage(error);
    listError.hidden = false;
  }
}

/** The TPs a new class may include, all ticked. */
export async function loadLabChoices(root: HTMLElement): Promise<void> {
  const choices = required(root, '[data-lab-choices]');
  try {
    const labs = await requestJson('/api/labs', labListSchema);
    choices.querySelector('[data-labs-loading]')?.remove();
    choices.querySelectorAll('label').forEach((label) => label.remove());
    for (const lab of labs) {
      choices.append(
        el(
          'label',
          { class: 'checkbox' },
          el('input', { type: 'checkbox', name: 'labs', value: lab.id, checked: true }),
          ` ${lab.title} `,
          el('span', { class: 'muted' }, `(${lab.steps.length} étapes)`),
        ),
      );
    }
  } catch (error) {
    const text = required(choices, '[data-labs-loading]');
    text.textContent = `Impossible de charger les TP : ${errorMessage(error)}`;
  }
}

// The dashboard's students: their table (sort, filter, the ticking time on each step) and what
// the instructor does on a row — watch the terminal, take or give back control, rename, remove.
import {
  memberRenamedSchema,
  renameMemberBody,
  type ClassDetail,
  type DashboardStudent,
  type FeedClientMessage,
} from '../../shared/contract.ts';
import { required } from '../dom/element.ts';
import type { Notify } from './dashboard-header.ts';
import type { Labs, SortKey } from './dashboard-rows.ts';
import { errorMessage, requestJson, requestVoid } from './http.ts';
import { StudentTable } from './student-table.ts';
import { WatchPanel } from './watch-terminal.ts';

export interface StudentsContext {
  notify: Notify;
  showSeats: (used: number) => void;
  /** Sends on the class feed; false when it is cut. */
  send: (message: FeedClientMessage) => boolean;
}

const feedCut = 'La connexion au cours est coupée : réessayez dans un instant.';

export function mountStudents(
  root: HTMLElement,
  detail: ClassDetail,
  labs: Labs,
  context: StudentsContext,
): { table: StudentTable; watch: WatchPanel } {
  const { notify, send } = context;
  const watch = new WatchPanel(required(root, '[data-watch-panel]'), {
    onClose: (learner) => {
      table.setWatching(null);
      if (table.get(learner)?.control) send({ type: 'control-release', learner });
    },
  });
  const table = new StudentTable(
    required<HTMLTableSectionElement>(root, '[data-students]'),
    required(root, '[data-students-empty]'),
    {
      watch: (student) => {
        if (watch.learner === student.learner) return watch.close();
        if (!student.session) return notify(`${student.name} n’a pas de terminal ouvert.`, 'error');
        watch.open({ ...student, session: student.session });
        table.setWatching(student.learner);
      },
      takeControl: (student) => {
        if (!send({ type: 'control-request', learner: student.learner })) return notify(feedCut, 'error');
        table.setPending(student.learner, true);
        notify(`Demande envoyée à ${student.name} : en attente de sa réponse.`);
      },
      releaseControl: (student) => {
        if (!send({ type: 'control-release', learner: student.learner })) notify(feedCut, 'error');
      },
      rename: (student) => rename(table, memberPath(detail, student), student, notify),
      remove: (student) => {
        const sure = window.confirm(
          `Retirer ${student.name} du cours ? Sa clé cessera de fonctionner, ses pages du cours seront fermées, ses bacs à sable supprimés et ses résultats effacés. Pour revenir, il devra rejoindre le cours à nouveau avec le code.`,
        );
        if (!sure) return;
        if (watch.learner === student.learner) watch.close();
        requestVoid(memberPath(detail, student), { method: 'DELETE' })
          .then(() => {
            table.replaceAll([...table.all()].filter((s) => s.learner !== student.learner));
            context.showSeats(table.size);
            notify(`${student.name} a été retiré du cours.`);
          })
          .catch((error: unknown) => notify(errorMessage(error), 'error'));
      },
    },
  );
  table.setLabs(labs);
  wireTableControls(root, table);
  return { table, watch };
}

const memberPath = (detail: ClassDetail, student: DashboardStudent) =>
  `/api/classes/${encodeURIComponent(detail.id)}/members/${encodeURIComponent(student.learner)}`;

function rename(table: StudentTable, path: string, student: DashboardStudent, notify: Notify): void {
  const typed = window.prompt(`Nouveau nom pour ${student.name} :`, student.name);
  if (typed === null || typed.trim() === student.name) return;
  const body = renameMemberBody.safeParse({ name: typed });
  if (!body.success) return notify(body.error.issues[0]?.message ?? 'Nom invalide.', 'error');
  requestJson(path, memberRenamedSchema, { method: 'PATCH', body: body.data })
    .then((renamed) => {
      table.upsert({ ...(table.get(student.learner) ?? student), name: renamed.name });
      notify(`${student.name} s’appelle désormais ${renamed.name}.`);
    })
    .catch((error: unknown) => notify(errorMessage(error), 'error'));
}

/** Sort and filter, above the table. */
function wireTableControls(root: HTMLElement, table: StudentTable): void {
  const sort = required<HTMLSelectElement>(root, '[data-sort]');
  const filterText = required<HTMLInputElement>(root, '[data-filter]');
  const stuckOnly = required<HTMLInputElement>(root, '[data-stuck-only]');
  sort.addEventListener('change', () => table.setSort(sort.value as SortKey));
  const applyFilter = () => table.setFilter({ text: filterText.value, stuckOnly: stuckOnly.checked });
  filterText.addEventListener('input', applyFilter);
  stuckOnly.addEventListener('change', applyFilter);
}

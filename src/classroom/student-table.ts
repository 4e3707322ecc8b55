// The dashboard's table of students, live: one row per student, updated in place (so a button
// keeps its focus), sorted and filtered, with the time on the current step ticking.
import type { DashboardStudent } from '../../shared/contract.ts';
import {
  isStuck,
  labTitle,
  matchesFilter,
  progressOf,
  sortStudents,
  stepTitle,
  timeOnStep,
  type Labs,
  type RowFilter,
  type SortKey,
} from './dashboard-rows.ts';
import { el } from '../dom/element.ts';
import { formatClock, plural } from './format.ts';

export interface StudentTableActions {
  watch(student: DashboardStudent): void;
  takeControl(student: DashboardStudent): void;
  releaseControl(student: DashboardStudent): void;
  /** « Renommer »: gives the student another name. */
  rename(student: DashboardStudent): void;
  /** « Retirer »: takes the student out of the class (after confirmation). */
  remove(student: DashboardStudent): void;
}

interface Row {
  element: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  time: HTMLElement;
  watch: HTMLButtonElement;
  take: HTMLButtonElement;
  release: HTMLButtonElement;
}

export class StudentTable {
  private readonly students = new Map<string, DashboardStudent>();
  private readonly rows = new Map<string, Row>();
  private labs: Labs = new Map();
  private sort: SortKey = 'stuck';
  private filter: RowFilter = { text: '', stuckOnly: false };
  private watching: string | null = null;
  private readonly pending = new Set<string>();
  private readonly tbody: HTMLTableSectionElement;
  private readonly empty: HTMLElement;
  private readonly actions: StudentTableActions;

  constructor(tbody: HTMLTableSectionElement, empty: HTMLElement, actions: StudentTableActions) {
    this.tbody = tbody;
    this.empty = empty;
    this.actions = actions;
  }

  setLabs(labs: Labs): void {
    this.labs = labs;
    for (const student of this.students.values()) this.fill(student);
  }

  /** The whole class (the dashboard snapshot). */
  replaceAll(students: readonly DashboardStudent[]): void {
    const keep = new Set(students.map((s) => s.learner));
    for (const [learner, row] of this.rows) {
      if (keep.has(learner)) continue;
      row.element.remove();
      this.rows.delete(learner);
      this.students.delete(learner);
    }
    for (const student of students) this.upsert(student, false);
    this.render();
  }

  upsert(student: DashboardStudent, render = true): void {
    this.students.set(student.learner, student);
    this.fill(student);
    if (render) this.render();
  }

  get(learner: string): DashboardStudent | undefined {
    return this.students.get(learner);
  }

  /** Every student, in no particular order. */
  all(): Iterable<DashboardStudent> {
    return this.students.values();
  }

  get size(): number {
    return this.students.size;
  }

  setSort(sort: SortKey): void {
    this.sort = sort;
    this.render();
  }

  setFilter(filter: RowFilter): void {
    this.filter = filter;
    this.render();
  }

  /** Whose terminal the instructor watches (their row shows the keyboard buttons). */
  setWatching(learner: string | null): void {
    this.watching = learner;
    for (const student of this.students.values()) this.fill(student);
  }

  /** A keyboard request sent, waiting for the student's answer. */
  setPending(learner: string, pending: boolean): void {
    if (pending) this.pending.add(learner);
    else this.pending.delete(learner);
    const student = this.students.get(learner);
    if (student) this.fill(student);
  }

  setControl(learner: string, instructorHolds: boolean): void {
    const student = this.students.get(learner);
    this.pending.delete(learner);
    if (student) this.upsert({ ...student, control: instructorHolds });
  }

  /** Orders and shows the rows as the sort and the filter say (moving only what moved). */
  render(): void {
    const now = Date.now();
    const ordered = sortStudents([...this.students.values()], this.sort, this.labs, now);
    let shown = 0;
    let previous: Element | null = null;
    for (const student of ordered) {
      const row = this.rows.get(student.learner);
      if (!row) continue;
      const visible = matchesFilter(student, this.filter, this.labs, now);
      row.element.hidden = !visible;
      row.element.dataset.stuck = String(isStuck(student, this.labs, now));
      if (visible) shown++;
      const expected: Element | null = previous ? previous.nextElementSibling : this.tbody.firstElementChild;
      if (expected !== row.element) {
        if (previous) previous.after(row.element);
        else this.tbody.prepend(row.element);
      }
      previous = row.element;
    }
    this.empty.hidden = shown > 0;
    this.empty.textContent =
      this.students.size === 0 ? 'Aucun élève n’a encore rejoint le cours.' : 'Aucun élève ne correspond au filtre.';
  }

  /** Updates the « sur l’étape depuis » cells (every second). */
  tick(): void {
    const now = Date.now();
    for (const [learner, row] of this.rows) {
      const student = this.students.get(learner);
      if (!student) continue;
      const time = timeOnStep(student, now);
      row.time.textContent = time === null ? '—' : formatClock(time);
    }
  }

  private rowFor(student: DashboardStudent): Row {
    const existing = this.rows.get(student.learner);
    if (existing) return existing;
    const watch = el('button', { type: 'button', class: 'button secondary small', 'data-watch': student.learner });
    // The keyboard buttons are in the watched row only (one of each on the page, for tests too).
    const take = el('button', { type: 'button', class: 'button small', 'data-take-control': student.learner });
    const release = el(
      'button',
      { type: 'button', class: 'button small', 'data-release-control': student.learner },
      'Rendre la main',
    );
    const rename = el(
      'button',
      { type: 'button', class: 'button secondary small', 'data-rename': student.learner },
      'Renommer',
    );
    const remove = el(
      'button',
      { type: 'button', class: 'button danger small', 'data-remove': student.learner },
      'Retirer',
    );
    const current = () => this.students.get(student.learner) ?? student;
    watch.addEventListener('click', () => this.actions.watch(current()));
    rename.addEventListener('click', () => this.actions.rename(current()));
    remove.addEventListener('click', () => this.actions.remove(current()));
    take.addEventListener('click', () => this.actions.takeControl(current()));
    release.addEventListener('click', () => this.actions.releaseControl(current()));
    const time = el('span', { class: 'step-time' });
    const cells = Array.from({ length: 8 }, (_, i) => el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}));
    cells[6]?.append(time);
    const actionsCell = el('td', { class: 'row-actions' }, watch, rename, remove);
    const element = el('tr', { 'data-student-row': student.learner }, ...cells, actionsCell);
    const row: Row = { element, cells, time, watch, take, release };
    this.rows.set(student.learner, row);
    this.tbody.append(element);
    return row;
  }

  private fill(student: DashboardStudent): void {
    const row = this.rowFor(student);
    const { element, cells } = row;
    for (const button of element.querySelectorAll<HTMLButtonElement>('[data-rename], [data-remove]')) {
      button.title = `${button.dataset.remove === undefined ? 'Renommer' : 'Retirer du cours'} ${student.name}`;
    }
    const check = student.lastCheck;
    element.dataset.passed = String(check?.passed === true);
    element.classList.toggle('passed', check?.passed === true);
    element.classList.toggle('failed', check?.passed === false);
    element.classList.toggle('watched', this.watching === student.learner);

    const [name, lab, step, progress, last, help, , terminal] = cells;
    name?.replaceChildren(student.name);
    lab?.replaceChildren(labTitle(this.labs, student.lab));
    step?.replaceChildren(stepTitle(this.labs, student.lab, student.step));
    const { passed, total } = progressOf(student, this.labs);
    progress?.replaceChildren(
      el('span', { class: 'progress-count' }, `${passed} / ${total}`),
      el('progress', {
        max: Math.max(total, 1),
        value: passed,
        'aria-label': `${passed} étapes réussies sur ${total}`,
      }),
    );
    last?.replaceChildren(
      check
        ? el(
            'span',
            { class: check.passed ? 'check-passed' : 'check-failed' },
            el('span', { 'aria-hidden': 'true' }, check.passed ? '✔ ' : '✘ '),
            el('span', { class: 'visually-hidden' }, check.passed ? 'Réussie : ' : 'Échouée : '),
            check.step === student.step ? '' : `(${stepTitle(this.labs, check.lab, check.step)}) `,
            check.message,
            check.evidence.length > 0
              ? el(
                  'details',
                  { class: 'check-evidence' },
                  el('summary', {}, 'Ce que la vérification a vu'),
                  el('ul', {}, ...check.evidence.map((line) => el('li', {}, line))),
                )
              : '',
          )
        : '—',
    );
    help?.replaceChildren(
      student.hints + student.solutions === 0
        ? '—'
        : [plural(student.hints, 'indice'), plural(student.solutions, 'solution')].join(', '),
    );
    terminal?.replaceChildren(
      el('span', { class: `terminal-state ${student.connected ? 'on' : 'off'}`, 'aria-hidden': 'true' }, '●'),
      el('span', { class: 'visually-hidden' }, student.connected ? 'Terminal connecté' : 'Terminal non connecté'),
      student.control ? el('span', { class: 'badge' }, 'vous avez la main') : '',
    );
    const time = timeOnStep(student, Date.now());
    row.time.textContent = time === null ? '—' : formatClock(time);

    const watched = this.watching === student.learner;
    row.watch.textContent = watched ? 'Ne plus regarder' : 'Regarder';
    row.watch.setAttribute('aria-pressed', String(watched));
    row.watch.disabled = !student.session && !watched;
    row.watch.title = student.session ? `Voir le terminal de ${student.name}` : 'Pas de terminal ouvert';
    const pending = this.pending.has(student.learner);
    row.take.disabled = pending;
    row.take.textContent = pending ? 'Demande envoyée…' : 'Prendre la main';
    const keyboard = !watched ? null : student.control ? row.release : row.take;
    for (const button of [row.take, row.release]) {
      if (button !== keyboard) button.remove();
    }
    if (keyboard && !keyboard.isConnected) row.watch.after(keyboard);
  }
}

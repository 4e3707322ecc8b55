// What the dashboard computes from the students' rows: their step and progress, who is stuck,
// the sort and the filter, the wording of grouped failures. Pure, for the unit tests.
import type { DashboardStudent, LabSummary } from '../../shared/contract.ts';
import { plural } from './format.ts';

export type SortKey = 'stuck' | 'name' | 'progress';
export type Labs = ReadonlyMap<string, LabSummary>;
export interface RowFilter {
  text: string;
  stuckOnly: boolean;
}

/** A student counts as stuck past the step's estimated time, and never before this. */
const minimumStuckMinutes = 5;

export function labTitle(labs: Labs, lab: string | null): string {
  if (!lab) return '—';
  return labs.get(lab)?.title ?? lab;
}

export function stepOf(labs: Labs, lab: string | null, step: string | null) {
  if (!lab || !step) return undefined;
  const steps = labs.get(lab)?.steps ?? [];
  const index = steps.findIndex((s) => s.id === step);
  return index < 0 ? undefined : { ...steps[index]!, index };
}

export function stepTitle(labs: Labs, lab: string | null, step: string | null): string {
  if (!step) return '—';
  const found = stepOf(labs, lab, step);
  return found ? `${found.index + 1}. ${found.title}` : step;
}

/** Steps passed in the student's current TP, out of its steps. */
export function progressOf(student: DashboardStudent, labs: Labs): { passed: number; total: number } {
  const steps = student.lab ? labs.get(student.lab)?.steps : undefined;
  if (!steps) return { passed: student.passed.length, total: student.passed.length };
  const ids = new Set(steps.map((s) => s.id));
  return { passed: new Set(student.passed.filter((id) => ids.has(id))).size, total: steps.length };
}

/** How long the student has been on their step (null without a step). */
export function timeOnStep(student: DashboardStudent, now: number): number | null {
  if (!student.step || !student.stepSince) return null;
  const since = Date.parse(student.stepSince);
  return Number.isNaN(since) ? null : Math.max(0, now - since);
}

/** On a step not passed yet for longer than its estimated time (5 minutes at least). */
export function isStuck(student: DashboardStudent, labs: Labs, now: number): boolean {
  if (!student.step || student.passed.includes(student.step)) return false;
  const time = timeOnStep(student, now);
  if (time === null) return false;
  const minutes = Math.max(minimumStuckMinutes, stepOf(labs, student.lab, student.step)?.minutes ?? 0);
  return time > minutes * 60_000;
}

const byName = (a: DashboardStudent, b: DashboardStudent) =>
  a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' }) || a.learner.localeCompare(b.learner);

/**
 * `stuck`: students on a step they have not passed, longest first, then the others by name;
 * `progress`: the least advanced first; `name`: alphabetical.
 */
export function sortStudents(
  students: readonly DashboardStudent[],
  key: SortKey,
  labs: Labs,
  now: number,
): DashboardStudent[] {
  const list = [...students];
  if (key === 'name') return list.sort(byName);
  if (key === 'progress') {
    const ratio = (s: DashboardStudent) => {
      const { passed, total } = progressOf(s, labs);
      return total === 0 ? 0 : passed / total;
    };
    return list.sort((a, b) => ratio(a) - ratio(b) || byName(a, b));
  }
  const waiting = (s: DashboardStudent) => (s.step && !s.passed.includes(s.step) ? (timeOnStep(s, now) ?? -1) : -1);
  return list.sort((a, b) => waiting(b) - waiting(a) || byName(a, b));
}

/** Case- and accent-insensitive match on the name, the TP and the step. */
export function matchesFilter(student: DashboardStudent, filter: RowFilter, labs: Labs, now: number): boolean {
  if (filter.stuckOnly && !isStuck(student, labs, now)) return false;
  const wanted = fold(filter.text.trim());
  if (!wanted) return true;
  const haystack = fold(
    [student.name, labTitle(labs, student.lab), stepTitle(labs, student.lab, student.step)].join(' '),
  );
  return haystack.includes(wanted);
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** « 12 élèves : le port 8080 n’est pas publié ». */
export function failureLabel(count: number, message: string): string {
  return `${plural(count, 'élève')} : ${message}`;
}

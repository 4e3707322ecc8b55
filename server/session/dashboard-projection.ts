// The instructor's dashboard and results computed from plain records: pure, so tested without a server.
import type { ClassInfo, Dashboard, DashboardStudent } from '../../shared/contract.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import type { MemberRecord, StepCheckRecord } from '../progress/classes.ts';

/** The hints and solutions one member was shown on one step. */
export interface HelpRecord {
  learner: string;
  lab: string;
  step: string;
  hints: number;
  solutions: number;
}

/** What the class store holds of one class. */
export interface ClassRecords {
  members: MemberRecord[];
  checks: StepCheckRecord[];
  help: HelpRecord[];
}

/** What is live about one member beside the class store: progress, sessions, the keyboard. */
export interface MemberLive {
  /** Every step the learner passed, in any TP (the progress store's records). */
  passes: { labId: string; stepId: string }[];
  /** Their open sessions, each with whether a terminal is connected to it. */
  sessions: { id: string; labId: string; connected: boolean }[];
  /** Whether the instructor holds their keyboard. */
  control: boolean;
}

/** A member with no session, no progress and their own keyboard (no Docker engine, say). */
export const idleMember: MemberLive = { passes: [], sessions: [], control: false };

/** One student's row: their place, their passed steps in that TP, their last check, their help. */
export function dashboardRow(member: MemberRecord, records: ClassRecords, live: MemberLive): DashboardStudent {
  const lab = member.lab;
  const checks = records.checks.filter((c) => c.learner === member.learner);
  const last = checks.reduce<StepCheckRecord | undefined>((a, c) => (!a || c.lastAt > a.lastAt ? c : a), undefined);
  const passed = lab ? live.passes.filter((p) => p.labId === lab).map((p) => p.stepId) : [];
  const help = records.help.filter((h) => h.learner === member.learner && h.lab === lab);
  // The session of the TP they are on, else any: the one the instructor would watch.
  const session = live.sessions.find((s) => s.labId === lab) ?? live.sessions[0];
  return {
    learner: member.learner,
    name: member.name,
    lab,
    step: member.step,
    stepSince: member.stepSince,
    passed,
    lastCheck: last
      ? {
          lab: last.lab,
          step: last.step,
          passed: last.lastPassed,
          message: last.lastMessage,
          at: last.lastAt,
          evidence: last.lastEvidence,
        }
      : null,
    hints: help.reduce((n, h) => n + h.hints, 0),
    solutions: help.reduce((n, h) => n + h.solutions, 0),
    connected: session?.connected ?? false,
    session: session?.id ?? null,
    control: live.control,
  };
}

/**
 * Per step, the students whose last check failed, grouped by the message they read (the most
 * common first): the instructor explains one mistake once to everyone who makes it.
 */
export function commonFailures(records: ClassRecords): Dashboard['failures'] {
  const names = new Map(records.members.map((m) => [m.learner, m.name]));
  const groups = new Map<string, Dashboard['failures'][number]>();
  for (const check of records.checks) {
    if (check.lastPassed || check.passedAt) continue;
    const key = `${check.lab}\u0000${check.step}\u0000${check.lastMessage}`;
    const group = groups.get(key) ?? {
      lab: check.lab,
      step: check.step,
      message: check.lastMessage,
      count: 0,
      names: [],
    };
    group.count++;
    group.names.push(names.get(check.learner) ?? '?');
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.step.localeCompare(b.step));
}

/** The whole dashboard: the class, one row per member (in the store's order), the failures. */
export function dashboardOf(
  info: ClassInfo,
  records: ClassRecords,
  liveOf: (member: MemberRecord) => MemberLive,
): Dashboard {
  return {
    class: info,
    students: records.members.map((member) => dashboardRow(member, records, liveOf(member))),
    failures: commonFailures(records),
  };
}

const resultHeader = [
  'élève',
  'tp',
  'étape',
  'titre',
  'réussie',
  'vérifications',
  'première vérification',
  'réussie à',
  'secondes jusqu’à la réussite',
  'indices',
  'solutions',
  'dernier message d’échec',
  'preuves de la dernière vérification',
];

/** One row per student and step they worked on, with times, for the CSV export (header first). */
export function resultRows(records: ClassRecords, labs: ReadonlyMap<string, Lab>): string[][] {
  const names = new Map(records.members.map((m) => [m.learner, m.name]));
  const help = new Map(records.help.map((h) => [`${h.learner}\u0000${h.lab}\u0000${h.step}`, h]));
  const titles = (lab: string, step: string) => labs.get(lab)?.steps.find((s) => s.id === step)?.title ?? step;
  const rows = records.checks
    .map((c) => {
      const shown = help.get(`${c.learner}\u0000${c.lab}\u0000${c.step}`);
      const seconds = c.passedAt ? Math.round((Date.parse(c.passedAt) - Date.parse(c.firstAt)) / 1000) : '';
      return [
        names.get(c.learner) ?? '',
        c.lab,
        c.step,
        titles(c.lab, c.step),
        c.passedAt ? 'oui' : 'non',
        String(c.attempts),
        c.firstAt,
        c.passedAt ?? '',
        String(seconds),
        String(shown?.hints ?? 0),
        String(shown?.solutions ?? 0),
        c.lastPassed ? '' : c.lastMessage,
        c.lastEvidence.join(' ; '),
      ];
    })
    // By name (French order), then by first check: each student's work in the order it came.
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '', 'fr') || (a[6] ?? '').localeCompare(b[6] ?? ''));
  return [[...resultHeader], ...rows];
}

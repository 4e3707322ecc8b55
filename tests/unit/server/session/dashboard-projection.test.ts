// Unit tests of the dashboard's projection on fixtures: a student's row from their records and
// live facts, the common failures grouped by message, the results CSV's rows.
import { describe, expect, it } from 'vitest';
import type { Lab } from '../../../../shared/lab-schema.ts';
import type { MemberRecord, StepCheckRecord } from '../../../../server/progress/classes.ts';
import {
  commonFailures,
  dashboardOf,
  dashboardRow,
  idleMember,
  resultRows,
  type ClassRecords,
} from '../../../../server/session/dashboard-projection.ts';

function member(name: string, fields: Partial<MemberRecord> = {}): MemberRecord {
  return {
    learner: `l-${name}`,
    classId: 'c1',
    name,
    joinedAt: '2025-01-01T09:00:00.000Z',
    lab: 'tp-images',
    step: 'deux',
    stepSince: '2025-01-01T09:10:00.000Z',
    ...fields,
  };
}

function check(name: string, step: string, fields: Partial<StepCheckRecord> = {}): StepCheckRecord {
  return {
    learner: `l-${name}`,
    lab: 'tp-images',
    step,
    firstAt: '2025-01-01T09:05:00.000Z',
    lastAt: '2025-01-01T09:06:00.000Z',
    attempts: 1,
    lastPassed: false,
    lastMessage: 'Aucun conteneur ne tourne.',
    lastEvidence: ['docker ps : vide'],
    passedAt: null,
    ...fields,
  };
}

const alice = member('Alice');
const bob = member('Bob', { lab: null, step: null, stepSince: null });
const chloe = member('Chloé');

const records: ClassRecords = {
  members: [alice, bob, chloe],
  checks: [
    check('Alice', 'un', {
      lastPassed: true,
      passedAt: '2025-01-01T09:07:30.000Z',
      lastAt: '2025-01-01T09:07:30.000Z',
      attempts: 3,
      lastMessage: 'Bravo.',
      lastEvidence: ['image présente', 'conteneur lancé'],
    }),
    check('Alice', 'deux', { lastAt: '2025-01-01T09:20:00.000Z', firstAt: '2025-01-01T09:15:00.000Z' }),
    check('Chloé', 'deux'),
    check('Chloé', 'un', { lastMessage: 'Image absente.' }),
    // Passed once, failing now: it counts as passed, not as a failure.
    check('Bob', 'un', { lab: 'tp-images', passedAt: '2025-01-01T09:06:00.000Z' }),
  ],
  help: [
    { learner: 'l-Alice', lab: 'tp-images', step: 'un', hints: 2, solutions: 0 },
    { learner: 'l-Alice', lab: 'tp-images', step: 'deux', hints: 1, solutions: 1 },
    { learner: 'l-Alice', lab: 'tp-dockerfile', step: 'trois', hints: 5, solutions: 1 },
  ],
};

describe('dashboardRow', () => {
  it('shows the place, the passed steps of the current TP, the last check and the help of that TP', () => {
    const row = dashboardRow(alice, records, {
      passes: [
        { labId: 'tp-images', stepId: 'un' },
        { labId: 'tp-dockerfile', stepId: 'trois' },
      ],
      sessions: [
        { id: 's-other', labId: 'tp-dockerfile', connected: false },
        { id: 's-images', labId: 'tp-images', connected: true },
      ],
      control: true,
    });
    expect(row).toEqual({
      learner: 'l-Alice',
      name: 'Alice',
      lab: 'tp-images',
      step: 'deux',
      stepSince: '2025-01-01T09:10:00.000Z',
      passed: ['un'],
      lastCheck: {
        lab: 'tp-images',
        step: 'deux',
        passed: false,
        message: 'Aucun conteneur ne tourne.',
        at: '2025-01-01T09:20:00.000Z',
        evidence: ['docker ps : vide'],
      },
      hints: 3,
      solutions: 1,
      connected: true,
      session: 's-images',
      control: true,
    });
  });

  it('falls back to any session, and shows a member without TP, checks or session as idle', () => {
    const other = dashboardRow(chloe, records, {
      ...idleMember,
      sessions: [{ id: 's-x', labId: 'tp-dockerfile', connected: true }],
    });
    expect(other).toMatchObject({ session: 's-x', connected: true, hints: 0, solutions: 0, control: false });
    const idle = dashboardRow(
      bob,
      { ...records, checks: [] },
      { ...idleMember, passes: [{ labId: 'a', stepId: 'b' }] },
    );
    expect(idle).toMatchObject({ lab: null, passed: [], lastCheck: null, session: null, connected: false });
  });
});

describe('commonFailures', () => {
  it('groups the failing last checks by step and message, the most common first, passed ones left out', () => {
    expect(commonFailures(records)).toEqual([
      { lab: 'tp-images', step: 'deux', message: 'Aucun conteneur ne tourne.', count: 2, names: ['Alice', 'Chloé'] },
      { lab: 'tp-images', step: 'un', message: 'Image absente.', count: 1, names: ['Chloé'] },
    ]);
  });

  it('names a student no longer in the class « ? »', () => {
    expect(commonFailures({ ...records, members: [alice] }).flatMap((g) => g.names)).toEqual(['Alice', '?', '?']);
  });
});

describe('dashboardOf', () => {
  it('has one row per member, in order, with their own live facts', () => {
    const info = {
      id: 'c1',
      code: 'DKR-7Q4P-M3XA',
      title: 'Docker',
      deck: 'docker',
      labs: ['tp-images'],
      endsAt: '2025-01-01T17:00:00.000Z',
    };
    const dashboard = dashboardOf(info, records, (m) => ({ ...idleMember, control: m.name === 'Bob' }));
    expect(dashboard.class).toBe(info);
    expect(dashboard.students.map((s) => [s.name, s.control])).toEqual([
      ['Alice', false],
      ['Bob', true],
      ['Chloé', false],
    ]);
    expect(dashboard.failures).toEqual(commonFailures(records));
  });
});

describe('resultRows', () => {
  const labs = new Map([
    ['tp-images', { id: 'tp-images', steps: [{ id: 'un', title: 'Télécharger une image' }] } as unknown as Lab],
  ]);

  it('has the French header, then one row per student and step, by name then first check', () => {
    const rows = resultRows(records, labs);
    expect(rows[0]).toEqual([
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
    ]);
    expect(rows.slice(1).map((r) => `${r[0]} ${r[2]}`)).toEqual([
      'Alice un',
      'Alice deux',
      'Bob un',
      'Chloé deux',
      'Chloé un',
    ]);
    expect(rows[1]).toEqual([
      'Alice',
      'tp-images',
      'un',
      'Télécharger une image',
      'oui',
      '3',
      '2025-01-01T09:05:00.000Z',
      '2025-01-01T09:07:30.000Z',
      '150',
      '2',
      '0',
      '',
      'image présente ; conteneur lancé',
    ]);
    // A step without a title in the lab keeps its id; a failing one keeps its message.
    expect(rows[2]?.slice(3, 13)).toEqual([
      'deux',
      'non',
      '1',
      '2025-01-01T09:15:00.000Z',
      '',
      '',
      '1',
      '1',
      'Aucun conteneur ne tourne.',
      'docker ps : vide',
    ]);
  });
});

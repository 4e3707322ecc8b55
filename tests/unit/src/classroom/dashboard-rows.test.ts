// Unit tests of the dashboard's computations: progress, who is stuck, sorting, filtering, failure wording.
import { describe, expect, it } from 'vitest';
import type { DashboardStudent, LabSummary } from '../../../../shared/contract.ts';
import {
  failureLabel,
  isStuck,
  matchesFilter,
  progressOf,
  sortStudents,
  stepTitle,
} from '../../../../src/classroom/dashboard-rows.ts';

const now = Date.parse('2025-01-01T10:00:00Z');
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();
const lab: LabSummary = {
  id: 'tp-images',
  title: 'Images',
  steps: [
    { id: 'pull', title: 'Télécharger', kind: 'task', minutes: 5, challenge: false },
    { id: 'run', title: 'Lancer', kind: 'task', minutes: 10, challenge: false },
    { id: 'port', title: 'Publier un port', kind: 'task', minutes: 3, challenge: false },
  ],
};
const labs = new Map([[lab.id, lab]]);

function student(name: string, fields: Partial<DashboardStudent> = {}): DashboardStudent {
  return {
    learner: `learner-${name}`,
    name,
    lab: 'tp-images',
    step: 'pull',
    stepSince: minutesAgo(1),
    passed: [],
    lastCheck: null,
    hints: 0,
    solutions: 0,
    connected: true,
    session: null,
    control: false,
    ...fields,
  };
}

describe('progressOf', () => {
  it('counts the passed steps of the current TP only, once each', () => {
    expect(progressOf(student('A', { passed: ['pull', 'run', 'pull', 'other'] }), labs)).toEqual({
      passed: 2,
      total: 3,
    });
  });
  it('copes with an unknown TP', () => {
    expect(progressOf(student('A', { lab: 'tp-x', passed: ['a'] }), labs)).toEqual({ passed: 1, total: 1 });
  });
});

describe('stepTitle', () => {
  it('numbers the step and falls back to its id', () => {
    expect(stepTitle(labs, 'tp-images', 'run')).toBe('2. Lancer');
    expect(stepTitle(labs, 'tp-images', 'nope')).toBe('nope');
    expect(stepTitle(labs, 'tp-images', null)).toBe('—');
  });
});

describe('isStuck', () => {
  it('is past the estimated time, five minutes at least, on a step not passed', () => {
    expect(isStuck(student('A', { step: 'run', stepSince: minutesAgo(11) }), labs, now)).toBe(true);
    expect(isStuck(student('A', { step: 'run', stepSince: minutesAgo(9) }), labs, now)).toBe(false);
    // 3 estimated minutes, but 5 at least.
    expect(isStuck(student('A', { step: 'port', stepSince: minutesAgo(4) }), labs, now)).toBe(false);
    expect(isStuck(student('A', { step: 'port', stepSince: minutesAgo(6) }), labs, now)).toBe(true);
    expect(isStuck(student('A', { step: 'port', stepSince: minutesAgo(60), passed: ['port'] }), labs, now)).toBe(false);
    expect(isStuck(student('A', { step: null, stepSince: null }), labs, now)).toBe(false);
  });
});

describe('sortStudents', () => {
  const list = [
    student('Zoé', { stepSince: minutesAgo(2) }),
    student('Ali', { stepSince: minutesAgo(30), step: 'pull', passed: ['pull'] }),
    student('Émile', { stepSince: minutesAgo(20) }),
    student('bob', { step: null, stepSince: null }),
  ];
  const names = (key: 'stuck' | 'name' | 'progress') => sortStudents(list, key, labs, now).map((s) => s.name);

  it('puts the longest stuck first, then the others by name', () => {
    expect(names('stuck')).toEqual(['Émile', 'Zoé', 'Ali', 'bob']);
  });
  it('sorts names the French way (accents, case)', () => {
    expect(names('name')).toEqual(['Ali', 'bob', 'Émile', 'Zoé']);
  });
  it('puts the least advanced first', () => {
    expect(names('progress')).toEqual(['bob', 'Émile', 'Zoé', 'Ali']);
  });
});

describe('matchesFilter', () => {
  it('matches name, TP and step without case or accents', () => {
    const s = student('Émilie', { step: 'run' });
    expect(matchesFilter(s, { text: 'emil', stuckOnly: false }, labs, now)).toBe(true);
    expect(matchesFilter(s, { text: 'LANCER', stuckOnly: false }, labs, now)).toBe(true);
    expect(matchesFilter(s, { text: 'images', stuckOnly: false }, labs, now)).toBe(true);
    expect(matchesFilter(s, { text: 'zoé', stuckOnly: false }, labs, now)).toBe(false);
  });
  it('keeps only the stuck ones when asked', () => {
    expect(matchesFilter(student('A'), { text: '', stuckOnly: true }, labs, now)).toBe(false);
    expect(matchesFilter(student('A', { stepSince: minutesAgo(30) }), { text: '', stuckOnly: true }, labs, now)).toBe(
      true,
    );
  });
});

describe('failureLabel', () => {
  it('words a group of failures', () => {
    expect(failureLabel(12, 'le port 8080 n’est pas publié')).toBe('12 élèves : le port 8080 n’est pas publié');
    expect(failureLabel(1, 'raté')).toBe('1 élève : raté');
  });
});

// Unit tests of the classroom pages' French wording: clocks, countdowns, plurals, codes, datetime-local.
import { describe, expect, it } from 'vitest';
import { normalizeClassCode, normalizeRecoveryCode } from '../../../../src/classroom/codes.ts';
import {
  formatClock,
  fromDateTimeLocal,
  plural,
  remainingMs,
  toDateTimeLocal,
} from '../../../../src/classroom/format.ts';

describe('formatClock', () => {
  it.each([
    [0, '0:00'],
    [-5000, '0:00'],
    [42_000, '0:42'],
    [60_000, '1:00'],
    [59 * 60_000 + 59_999, '59:59'],
    [3600_000 + 5 * 60_000 + 7000, '1:05:07'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe('remainingMs', () => {
  it('rounds up to the second and stops at zero', () => {
    const now = Date.parse('2025-01-01T10:00:00.000Z');
    expect(remainingMs('2025-01-01T10:00:41.200Z', now)).toBe(42_000);
    expect(remainingMs('2025-01-01T09:59:00.000Z', now)).toBe(0);
    expect(remainingMs('pas une date', now)).toBe(0);
  });
});

describe('plural', () => {
  it('treats 0 and 1 as singular, as French does', () => {
    expect(plural(0, 'élève')).toBe('0 élève');
    expect(plural(1, 'élève')).toBe('1 élève');
    expect(plural(12, 'élève')).toBe('12 élèves');
  });
});

describe('datetime-local', () => {
  it('round-trips a local date', () => {
    const date = new Date(2025, 2, 3, 16, 30);
    const value = toDateTimeLocal(date);
    expect(value).toBe('2025-03-03T16:30');
    expect(fromDateTimeLocal(value)).toBe(date.toISOString());
  });
  it('gives undefined for an empty or invalid value', () => {
    expect(fromDateTimeLocal('')).toBeUndefined();
    expect(fromDateTimeLocal('demain')).toBeUndefined();
  });
});

describe('codes', () => {
  it.each([
    ['dkr-7q4p-m3xa', 'DKR-7Q4P-M3XA'],
    [' DKR 7Q4P M3XA ', 'DKR-7Q4P-M3XA'],
    ['7q4pm3xa', 'DKR-7Q4P-M3XA'],
    ['DKR7Q4P-M3XA', 'DKR-7Q4P-M3XA'],
    ['dkr 7q4p', 'DKR 7Q4P'],
    ['n’importe quoi', 'N’IMPORTE QUOI'],
  ])('class code %j → %j', (input, code) => {
    expect(normalizeClassCode(input)).toBe(code);
  });
  it.each([
    ['abcd efgh jkmn', 'ABCD-EFGH-JKMN'],
    ['ABCDEFGHJKMN', 'ABCD-EFGH-JKMN'],
    ['abcd-efgh-jkmn', 'ABCD-EFGH-JKMN'],
    ['court', 'COURT'],
  ])('recovery code %j → %j', (input, code) => {
    expect(normalizeRecoveryCode(input)).toBe(code);
  });
});

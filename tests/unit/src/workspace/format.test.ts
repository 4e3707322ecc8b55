// Unit tests of the workspace tabs' French wording: sizes in Ko/Mo/Go, percentages, counts of
// changed files, paths as the shell shows them.
import { describe, expect, it } from 'vitest';
import { absolutePath, formatBytes, formatChanges, formatPercent, plural } from '../../../../src/workspace/format.ts';

// French typography: a no-break space before the unit, a narrow one before « % » and in thousands.
const nbsp = '\u00a0';
const nnbsp = '\u202f';

describe('formatBytes', () => {
  it.each([
    [0, `0${nbsp}o`],
    [-3, `0${nbsp}o`],
    [Number.NaN, `0${nbsp}o`],
    [999, `999${nbsp}o`],
    [1000, `1${nbsp}Ko`],
    [1500, `1,5${nbsp}Ko`],
    [12_345_678, `12,3${nbsp}Mo`],
    [245_000_000, `245${nbsp}Mo`],
    [1_230_000_000, `1,2${nbsp}Go`],
    [5e15, `5${nnbsp}000${nbsp}To`],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatPercent', () => {
  it.each([
    [1, `100${nnbsp}%`],
    [0.9367, `93,7${nnbsp}%`],
    [0, `0${nnbsp}%`],
    [1.2, `100${nnbsp}%`],
    [-1, `0${nnbsp}%`],
  ])('%d → %s', (ratio, text) => {
    expect(formatPercent(ratio)).toBe(text);
  });

  it('does not round a wasteful image up to 100 %', () => {
    expect(formatPercent(0.99996)).toBe(`99,9${nnbsp}%`);
  });
});

describe('plural and formatChanges', () => {
  it('treats 0 and 1 as singular, as French does', () => {
    expect(plural(0, 'fichier')).toBe(`0${nbsp}fichier`);
    expect(plural(1, 'fichier')).toBe(`1${nbsp}fichier`);
    expect(plural(2, 'fichier')).toBe(`2${nbsp}fichiers`);
  });

  it('names each kind of change with its count', () => {
    expect(formatChanges({ added: 1800, modified: 1, removed: 0 })).toBe(
      `1${nnbsp}800${nbsp}ajoutés, 1${nbsp}modifié, 0${nbsp}supprimé`,
    );
  });
});

describe('absolutePath', () => {
  it('puts back the leading slash a layer stores paths without', () => {
    expect(absolutePath('etc/passwd')).toBe('/etc/passwd');
    expect(absolutePath('/etc/passwd')).toBe('/etc/passwd');
  });
});

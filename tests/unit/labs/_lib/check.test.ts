// Unit tests of the check scripts' library (labs/_lib/check.sh), run by bash as the checks run
// it: answers to question steps read as numbers whether written in digits or in French words.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const library = path.resolve(import.meta.dirname, '../../../../labs/_lib/check.sh');

/** What `answer_number ANSWER UNITS` prints, or `refused` on a status other than 0. */
function answerNumber(answer: string, units = 'couches?|layers?'): string {
  try {
    return execFileSync('bash', ['-c', `. "$LIB"; answer_number "$A" "$U"`], {
      env: { ...process.env, LIB: library, A: answer, U: units },
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'refused';
  }
}

describe('check library: answer_number', () => {
  it.each([
    ['3', '3'],
    ['03 couches', '3'],
    ['  11 Layers ', '11'],
    ['Trois couches.', '3'],
    ['onze', '11'],
    ['dix-sept', '17'],
    ['vingt et un', '21'],
    ['soixante-douze', '72'],
    ['quatre-vingts', '80'],
    ['quatre-vingt-dix-neuf', '99'],
    ['cent deux', '102'],
    ['Une couche', '1'],
  ])('reads %j as %s', (answer, number) => {
    expect(answerNumber(answer)).toBe(number);
  });

  it.each(['', 'beaucoup', 'trois pommes', '3.5', 'onze et demi', '-3'])('refuses %j', (answer) => {
    expect(answerNumber(answer)).toBe('refused');
  });

  it('drops only the units it is given', () => {
    expect(answerNumber('trois lignes', 'lignes?|lines?')).toBe('3');
    expect(answerNumber('trois lignes')).toBe('refused');
  });
});

// Unit tests of the TP loader: a broken TP is refused with a French message naming the file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabContentError, loadLab, loadLabs, stepChains } from '../../../content/labs.ts';
import { testLab, testStep } from '../fixtures/lab-fixtures.ts';

const labs = path.resolve(import.meta.dirname, '../../../labs');

function copyOf(labId: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'labs-')), labId);
  cpSync(path.join(labs, labId), dir, { recursive: true });
  return dir;
}

describe('loadLab', () => {
  it('loads both TPs of the course', () => {
    expect(loadLabs(labs).map((l) => l.id)).toEqual(['tp-dockerfile', 'tp-images']);
  });

  it('refuses a step naming a check script that does not exist', () => {
    const dir = copyOf('tp-images');
    rmSync(path.join(dir, 'checks/pull-debian.sh'));
    expect(() => loadLab(dir)).toThrow(/checks\/pull-debian\.sh n'existe pas/);
  });

  it('refuses a step with a missing field, naming the file and the field', () => {
    const dir = copyOf('tp-images');
    writeFileSync(path.join(dir, 'steps/01-pull-debian.md'), '---\ntitle: x\ncheck: pull-debian.sh\n---\nCorps\n');
    expect(() => loadLab(dir)).toThrow(LabContentError);
    expect(() => loadLab(dir)).toThrow(/01-pull-debian\.md : solution/);
  });

  it('refuses a step without hints, and a challenge with some', () => {
    const dir = copyOf('tp-images');
    const file = path.join(dir, 'steps/01-pull-debian.md');
    const step = (extra: string) =>
      `---\ntitle: x\nminutes: 2\nslides: [docker-pull]\ncheck: pull-debian.sh\nsolution: s\nsolve: s\n${extra}---\nCorps\n`;
    writeFileSync(file, step(''));
    expect(() => loadLab(dir)).toThrow(/01-pull-debian\.md : ajoutez au moins un indice/);
    writeFileSync(file, step('challenge: true\nhints: [h]\n'));
    expect(() => loadLab(dir)).toThrow(/un défi \(challenge: true\) n'a pas d'indice/);
    writeFileSync(file, step('challenge: true\n'));
    expect(() => loadLab(dir)).not.toThrow();
  });

  it('refuses an unknown TypeScript check id', () => {
    const dir = copyOf('tp-images');
    writeFileSync(
      path.join(dir, 'steps/01-pull-debian.md'),
      '---\ntitle: x\ncheck: { ts: inconnu }\nhints: [a]\nsolution: s\nsolve: s\n---\nCorps\n',
    );
    expect(() => loadLab(dir)).toThrow(/01-pull-debian\.md : check/);
  });

  it('refuses a badly named step file', () => {
    const dir = copyOf('tp-images');
    writeFileSync(path.join(dir, 'steps/etape.md'), '---\n---\n');
    expect(() => loadLab(dir)).toThrow(/NN-identifiant\.md/);
  });
});

describe('stepChains', () => {
  it('keeps steps that start from the one before together, and replays the needs of the others', () => {
    const lab = testLab('tp', [
      testStep('a'),
      testStep('b'),
      testStep('c', { needs: [] }),
      testStep('d', { needs: ['b'] }),
      testStep('e', { needs: ['a'] }),
      testStep('f'),
      testStep('g', { needs: ['c', 'a'] }),
    ]);
    expect(stepChains(lab)).toEqual([
      { prefix: [], steps: ['a', 'b', 'd'] },
      { prefix: [], steps: ['c'] },
      { prefix: ['a'], steps: ['e', 'f'] },
      { prefix: ['a', 'c'], steps: ['g'] },
    ]);
  });

  it('refuses a step that starts from a later or unknown step', () => {
    const dir = copyOf('tp-images');
    const file = path.join(dir, 'steps/01-pull-debian.md');
    const source = readFileSync(file, 'utf8').replace(/^slides:.*$/m, (line) => `${line}\nneeds: [prune]`);
    writeFileSync(file, source);
    expect(() => loadLab(dir)).toThrow(/pull-debian part de « prune », qui n'est pas une étape précédente/);
  });
});

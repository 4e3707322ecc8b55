// TPs and steps for unit tests, with every field a schema-valid default so a test only names
// what it is about.
import type { Lab, LabStep } from '../../shared/lab-schema.ts';

export function testStep(id: string, fields: Partial<LabStep> = {}): LabStep {
  return {
    id,
    title: id,
    kind: 'task',
    check: `${id}.sh`,
    checkScript: 'exit 0',
    hints: ['h'],
    solution: 's',
    solve: 's',
    timeout: 5,
    minutes: 5,
    challenge: false,
    slides: ['s'],
    instructions: 'i',
    ...fields,
  };
}

export function testLab(id: string, steps: LabStep[], fields: Partial<Lab> = {}): Lab {
  return {
    id,
    title: id,
    description: 'd',
    duration: 10,
    level: 'débutant',
    deck: 'd',
    setupTimeout: 10,
    recap: ['a', 'b', 'c'],
    steps,
    files: [],
    ...fields,
  };
}

/** A class's two TPs for the classroom's unit tests: tp-images (un, deux), tp-dockerfile (trois). */
export function classLabs(): Lab[] {
  const step = (id: string) =>
    testStep(id, {
      title: `Étape ${id}`,
      checkScript: 'true',
      hints: ['Un indice.'],
      solution: 'La solution.',
      solve: 'true',
      slides: [],
    });
  return [testLab('tp-images', [step('un'), step('deux')]), testLab('tp-dockerfile', [step('trois')])];
}

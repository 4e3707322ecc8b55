// Unit tests of the learners plugin through inject: a learner's progress, and French errors for a bad learner id.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError, Progress } from '../../shared/contract.ts';
import { appFixture, type Fixture } from './app-fixture.ts';

const learner = 'Apprenant_0123-abcdef';

let fixture: Fixture;
beforeEach(async () => {
  fixture = await appFixture();
});
afterEach(() => fixture.close());

describe('GET /api/learners/:learner/progress', () => {
  it('answers no step for a new learner', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: `/api/learners/${learner}/progress` });
    expect(res.statusCode).toBe(200);
    expect(res.json<Progress>()).toEqual({ learner, steps: [] });
  });

  it('lists the steps the learner passed, with the date of the first pass', async () => {
    fixture.progress.recordPass(learner, 'tp-images', 'pull', new Date('2030-01-01T10:00:00.000Z'));
    fixture.progress.recordPass(learner, 'tp-images', 'list', new Date('2030-01-01T11:00:00.000Z'));
    fixture.progress.recordPass(learner, 'tp-images', 'pull', new Date('2030-01-01T12:00:00.000Z'));
    fixture.progress.recordPass('Quelquun_dautre_0123', 'tp-images', 'rm');
    const res = await fixture.app.inject({ method: 'GET', url: `/api/learners/${learner}/progress` });
    expect(res.statusCode).toBe(200);
    expect(res.json<Progress>()).toEqual({
      learner,
      steps: [
        { labId: 'tp-images', stepId: 'pull', passedAt: '2030-01-01T10:00:00.000Z' },
        { labId: 'tp-images', stepId: 'list', passedAt: '2030-01-01T11:00:00.000Z' },
      ],
    });
  });

  it('answers the progress without an engine too', async () => {
    const offline = await appFixture({ noEngine: true });
    try {
      offline.progress.recordPass(learner, 'tp-images', 'pull');
      const res = await offline.app.inject({ method: 'GET', url: `/api/learners/${learner}/progress` });
      expect(res.statusCode).toBe(200);
      expect(res.json<Progress>().steps).toHaveLength(1);
    } finally {
      await offline.close();
    }
  });

  it.each([
    ['too short', 'court'],
    ['too long', 'a'.repeat(65)],
    ['a dot', 'abcdefgh.ijklmnopq'],
    ['an encoded space', 'abcdefgh%20ijklmnopq'],
  ])('answers 400 in French for an id %s', async (_what, id) => {
    const res = await fixture.app.inject({ method: 'GET', url: `/api/learners/${id}/progress` });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiError>().error).toBe(
      'Adresse invalide : champ « learner (identifiant d’apprenant) » : Identifiant d’apprenant invalide (16 à 64 caractères parmi A-Z, a-z, 0-9, - et _).',
    );
  });
});

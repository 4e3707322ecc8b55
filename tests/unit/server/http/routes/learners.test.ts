// Unit tests of the learners plugin through inject: keys issued by the server, progress read
// with the key in a header (never in the URL), a browser's own old id taken over once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError, LearnerCreated, Progress } from '../../../../../shared/contract.ts';
import { learnerKeyPattern } from '../../../../../shared/limits.ts';
import { appFixture, type Fixture } from '../../../fixtures/app-fixture.ts';

const legacy = 'Apprenant_0123-abcdef';

let fixture: Fixture;
beforeEach(async () => {
  fixture = await appFixture();
});
afterEach(() => fixture.close());

async function newKey(body: object = {}): Promise<string> {
  const res = await fixture.app.inject({ method: 'POST', url: '/api/learners', payload: body });
  expect(res.statusCode).toBe(201);
  const { key } = res.json<LearnerCreated>();
  expect(key).toMatch(learnerKeyPattern);
  return key;
}

function progressOf(key?: string, app = fixture.app) {
  return app.inject({
    method: 'GET',
    url: '/api/learners/me/progress',
    headers: key === undefined ? {} : { 'x-learner-key': key },
  });
}

describe('POST /api/learners', () => {
  it('issues a different long random key each time, stored only hashed', async () => {
    const [a, b] = [await newKey(), await newKey()];
    expect(a).not.toBe(b);
    const stored = fixture.db.prepare('SELECT key_hash FROM learners').all();
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(a);
  });

  it('takes over the progress of the id the browser made itself, once', async () => {
    fixture.progress.recordPass(legacy, 'tp-images', 'pull', new Date('2030-01-01T10:00:00.000Z'));
    const key = await newKey({ legacyId: legacy });
    expect((await progressOf(key)).json<Progress>().steps).toEqual([
      { labId: 'tp-images', stepId: 'pull', passedAt: '2030-01-01T10:00:00.000Z' },
    ]);
    // Whoever claims the same id later gets a learner of their own, with nothing in it.
    const other = await newKey({ legacyId: legacy });
    expect((await progressOf(other)).json<Progress>().steps).toEqual([]);
  });

  it('refuses a malformed old id with a 400 that names the field', async () => {
    const res = await fixture.app.inject({ method: 'POST', url: '/api/learners', payload: { legacyId: 'court' } });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiError>().error).toMatch(/champ « legacyId » : Identifiant d’apprenant invalide/);
  });
});

describe('GET /api/learners/me/progress', () => {
  it('answers no step for a new learner', async () => {
    const res = await progressOf(await newKey());
    expect(res.statusCode).toBe(200);
    expect(res.json<Progress>()).toEqual({ steps: [] });
  });

  it('lists the steps this learner passed, with the date of the first pass, and no one else’s', async () => {
    const key = await newKey();
    const id = fixture.progress.learnerForKey(key) ?? '';
    fixture.progress.recordPass(id, 'tp-images', 'pull', new Date('2030-01-01T10:00:00.000Z'));
    fixture.progress.recordPass(id, 'tp-images', 'list', new Date('2030-01-01T11:00:00.000Z'));
    fixture.progress.recordPass(id, 'tp-images', 'pull', new Date('2030-01-01T12:00:00.000Z'));
    fixture.progress.recordPass('Quelquun_dautre_0123', 'tp-images', 'rm');
    const res = await progressOf(key);
    expect(res.statusCode).toBe(200);
    expect(res.json<Progress>()).toEqual({
      steps: [
        { labId: 'tp-images', stepId: 'pull', passedAt: '2030-01-01T10:00:00.000Z' },
        { labId: 'tp-images', stepId: 'list', passedAt: '2030-01-01T11:00:00.000Z' },
      ],
    });
  });

  it('answers 401 without a key and 403 for a key it does not know', async () => {
    const missing = await progressOf();
    expect(missing.statusCode).toBe(401);
    expect(missing.json<ApiError>().error).toMatch(/Clé d’apprenant manquante/);
    for (const key of ['A'.repeat(43), 'pas-une-clé', '']) {
      const res = await progressOf(key);
      expect(res.statusCode).toBe(403);
      expect(res.json<ApiError>().error).toMatch(/Clé d’apprenant inconnue/);
    }
  });

  it('no longer answers a learner id in the URL path', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: `/api/learners/${legacy}/progress` });
    expect(res.statusCode).toBe(404);
  });

  it('answers the progress without an engine too', async () => {
    const offline = await appFixture({ noEngine: true });
    try {
      const { id, key } = offline.progress.createLearner();
      offline.progress.recordPass(id, 'tp-images', 'pull');
      const res = await progressOf(key, offline.app);
      expect(res.statusCode).toBe(200);
      expect(res.json<Progress>().steps).toHaveLength(1);
    } finally {
      await offline.close();
    }
  });
});

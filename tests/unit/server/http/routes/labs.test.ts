// Unit tests of the labs plugin through inject: the TP list, one TP, and French errors for unknown or malformed ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, LabSummary } from '../../../../../shared/contract.ts';
import { appFixture, type Fixture } from '../../../fixtures/app-fixture.ts';
import { testLab, testStep } from '../../../fixtures/lab-fixtures.ts';

const images = testLab(
  'tp-images',
  [testStep('pull', { title: 'Télécharger une image' }), testStep('list', { title: 'Lister' })],
  { title: 'Les images' },
);
const volumes = testLab('tp-volumes', [testStep('create', { title: 'Créer un volume' })], { title: 'Les volumes' });

let fixture: Fixture;
beforeAll(async () => {
  fixture = await appFixture({ labs: [images, volumes] });
});
afterAll(() => fixture.close());

describe('GET /api/labs', () => {
  it('lists every TP with its steps (title, kind, time, challenge), and nothing else', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: '/api/labs' });
    expect(res.statusCode).toBe(200);
    expect(res.json<LabSummary[]>()).toEqual([
      {
        id: 'tp-images',
        title: 'Les images',
        steps: [
          { id: 'pull', title: 'Télécharger une image', kind: 'task', minutes: 5, challenge: false },
          { id: 'list', title: 'Lister', kind: 'task', minutes: 5, challenge: false },
        ],
      },
      {
        id: 'tp-volumes',
        title: 'Les volumes',
        steps: [{ id: 'create', title: 'Créer un volume', kind: 'task', minutes: 5, challenge: false }],
      },
    ]);
  });

  it('answers an empty list when there is no TP', async () => {
    const empty = await appFixture();
    try {
      const res = await empty.app.inject({ method: 'GET', url: '/api/labs' });
      expect(res.statusCode).toBe(200);
      expect(res.json<LabSummary[]>()).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});

describe('GET /api/labs/:id', () => {
  it('answers one TP', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: '/api/labs/tp-volumes' });
    expect(res.statusCode).toBe(200);
    expect(res.json<LabSummary>()).toEqual({
      id: 'tp-volumes',
      title: 'Les volumes',
      steps: [{ id: 'create', title: 'Créer un volume', kind: 'task', minutes: 5, challenge: false }],
    });
  });

  it('answers 404 in French for an unknown TP', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: '/api/labs/tp-inconnu' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json<ApiError>().error).toMatch(/TP « .* » inconnu/);
    expect(res.json<ApiError>().error).toContain('tp-inconnu');
  });

  it('answers 400 in French for a malformed percent-encoding, not Fastify’s English default', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: '/api/labs/%ZZ' });
    expect(res.statusCode).toBe(400);
    const { error } = res.json<ApiError>();
    expect(error).toMatch(/Adresse de requête invalide/);
    expect(error).not.toMatch(/Bad Request|not a valid/i);
  });

  it('answers 400 in French for an id longer than 100 characters', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: `/api/labs/${'x'.repeat(101)}` });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiError>().error).toMatch(/^Adresse invalide : champ « id \(la session ou le TP\) »/);
  });

  it('answers 404 in French for an unknown API route', async () => {
    const res = await fixture.app.inject({ method: 'GET', url: '/api/labs/tp-images/etapes' });
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiError>().error).toMatch(/^Route inconnue : GET \/api\/labs\/tp-images\/etapes/);
  });
});

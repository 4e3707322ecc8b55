// The class routes' two plugins: every instructor route is documented with the bearer token
// and refused without the instructor, the students' routes are not, and the instructor's hook
// never answers for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFixture, type Fixture } from '../../../fixtures/app-fixture.ts';

const studentRoutes = ['POST /api/classes/join', 'POST /api/classes/recover', 'GET /api/classes/mine'];

describe('the class routes', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await appFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('document the bearer token on the instructor’s routes only', async () => {
    const doc = (await fixture.app.inject({ url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { security?: unknown }>>;
    }>();
    const operations = Object.entries(doc.paths)
      .filter(([route]) => route.startsWith('/api/classes'))
      .flatMap(([route, methods]) =>
        Object.entries(methods).map(([m, op]) => [`${m.toUpperCase()} ${route}`, op] as const),
      );
    expect(operations).toHaveLength(15);
    for (const [route, operation] of operations) {
      if (studentRoutes.includes(route)) expect(operation.security, route).toBeUndefined();
      else expect(operation.security, route).toEqual([{ bearer: [] }]);
    }
  });

  it('refuse the instructor’s routes without the instructor, after validating the request', async () => {
    const list = await fixture.app.inject({ url: '/api/classes' });
    expect(list.statusCode).toBe(401);
    expect(list.json<{ error: string }>().error).toMatch(/^Connexion formateur requise/);
    // A body that fails validation is told so first, as when the check was each route's own.
    const valid = await fixture.app.inject({ method: 'POST', url: '/api/classes', payload: {} });
    expect(valid.statusCode).toBe(400);
  });

  it('answer the students’ routes with their own errors, not the instructor’s', async () => {
    const mine = await fixture.app.inject({ url: '/api/classes/mine' });
    expect(mine.statusCode).toBe(401);
    expect(mine.json<{ error: string }>().error).toMatch(/X-Learner-Key/);
    const join = await fixture.app.inject({
      method: 'POST',
      url: '/api/classes/join',
      payload: { code: 'DKR-AAAA-AAAA', name: 'Alice' },
    });
    expect(join.statusCode).toBe(404);
  });
});

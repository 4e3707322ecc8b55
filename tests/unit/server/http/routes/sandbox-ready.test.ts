// The sandbox routes' preHandler (routes/sandbox-ready.ts): the session is proven at once, even
// while its sandbox starts, and the handler runs only once the sandbox is ready (or its start's
// failure is told in French).
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxStartError } from '../../../../../server/sandbox/driver.ts';
import { appFixture, type Fixture } from '../../../fixtures/app-fixture.ts';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function startingSession(): Promise<{ fixture: Fixture; id: string; token: string; open: () => void }> {
  fixture = await appFixture();
  let open = () => {};
  fixture.driver.startGate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const created = await fixture.app.inject({ method: 'POST', url: '/api/sessions', payload: { lab: 'bac-a-sable' } });
  expect(created.statusCode).toBe(201);
  const { id, token } = created.json<{ id: string; token: string }>();
  return { fixture, id, token, open };
}

describe('the sandbox routes’ preHandler', () => {
  it('refuses a missing or wrong token at once, while the sandbox still starts', async () => {
    const { fixture, id, open } = await startingSession();
    for (const url of [`/api/sessions/${id}/ports`, `/api/sessions/${id}/tree`, `/api/sessions/${id}/images`]) {
      const anonymous = await fixture.app.inject({ url });
      expect(anonymous.statusCode, url).toBe(401);
      const wrong = await fixture.app.inject({ url, headers: { authorization: 'Bearer faux' } });
      expect(wrong.statusCode, url).toBe(403);
      expect(wrong.json<{ error: string }>().error).toBe('Jeton invalide pour cette session.');
    }
    open();
  });

  it('answers once the sandbox is ready, not before', async () => {
    const { fixture, id, token, open } = await startingSession();
    let opened = false;
    const answer = fixture.app
      .inject({ url: `/api/sessions/${id}/ports`, headers: { authorization: `Bearer ${token}` } })
      .then((res) => ({ res, opened }));
    await expect.poll(() => fixture.driver.created === 0 && fixture.sessions.get(id)?.state).toBe('starting');
    opened = true;
    open();
    const { res, opened: afterOpening } = await answer;
    expect(res.statusCode).toBe(200);
    expect(afterOpening).toBe(true);
  });

  it('tells a failed start in French instead of running the handler', async () => {
    fixture = await appFixture();
    fixture.driver.failNextStart = new SandboxStartError('engine overloaded');
    const created = await fixture.app.inject({ method: 'POST', url: '/api/sessions', payload: { lab: 'bac-a-sable' } });
    const { id, token } = created.json<{ id: string; token: string }>();
    const res = await fixture.app.inject({
      url: `/api/sessions/${id}/tree`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json<{ error: string }>().error).toBe(
      "Le bac à sable n'a pas pu démarrer (moteur Docker surchargé ou indisponible). Réessayez dans un instant.",
    );
  });
});

// Fair share on the real server and engine: one client address past its share gets a 429 in
// French and starts no sandbox, while another address of the class still gets a seat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionCreated } from '../../shared/contract.ts';
import { api, leftovers, startServer, waitUntil, type RunningServer } from './harness.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ MAX_SESSIONS: '4', SESSIONS_PER_CLIENT: '1', TRUST_PROXY: 'true' });
});

afterAll(async () => {
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

async function open(address: string) {
  const res = await fetch(`${server.base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: '{}',
  });
  return { status: res.status, body: (await res.json()) as SessionCreated & { error?: string } };
}

describe('fair share', () => {
  it('refuses an address past its share while another still gets a seat', async () => {
    const first = await open('198.51.100.7');
    expect(first.status).toBe(201);
    // Its sandbox starts in the background: compare the engine's objects once it is there.
    await waitUntil(
      async () =>
        (await api(server, 'GET', `/api/sessions/${first.body.id}`, { token: first.body.token })).body.state !==
        'starting',
      120_000,
      'the first sandbox',
    );
    const before = await leftovers();
    const second = await open('198.51.100.7');
    expect(second.status).toBe(429);
    expect(second.body.error).toMatch(/Trop de bacs à sable ouverts depuis votre adresse/);
    expect(await leftovers()).toEqual(before);
    const other = await open('198.51.100.8');
    expect(other.status).toBe(201);
    for (const s of [first.body, other.body]) {
      expect((await api(server, 'DELETE', `/api/sessions/${s.id}`, { token: s.token })).status).toBe(204);
    }
  });
});

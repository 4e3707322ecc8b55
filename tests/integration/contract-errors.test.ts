// Bad input through the contract is refused with a clear French error and changes nothing:
// unknown labs, bad bodies, wrong tokens, foreign Origins, oversized frames, bad resizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';
import type { SessionCreated } from '../../shared/contract.ts';

let server: RunningServer;
let session: SessionCreated;

beforeAll(async () => {
  server = await startServer({ MAX_SESSIONS: '2' });
  session = await createSession(server);
});

afterAll(async () => {
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

describe('REST input', () => {
  it('answers health and the TP list', async () => {
    expect((await api(server, 'GET', '/api/health')).body).toEqual({ ok: true, engine: true });
    const labs = await fetch(`${server.base}/api/labs`).then(
      (r) => r.json() as Promise<{ id: string; steps: unknown[] }[]>,
    );
    expect(labs.map((l) => l.id)).toEqual(expect.arrayContaining(['tp-images', 'tp-dockerfile']));
  });

  it('refuses an unknown lab with a 404 in French, creating nothing', async () => {
    const before = await leftovers();
    const { status, body } = await api(server, 'POST', '/api/sessions', { body: { lab: 'tp-inexistant' } });
    expect(status).toBe(404);
    expect(body.error).toMatch(/TP « tp-inexistant » inconnu/);
    expect(await leftovers()).toEqual(before);
  });

  it('refuses bad JSON, non-objects and oversized bodies', async () => {
    expect((await api(server, 'POST', '/api/sessions', { rawBody: '{pas du json' })).status).toBe(400);
    expect((await api(server, 'POST', '/api/sessions', { rawBody: '[1,2]' })).status).toBe(400);
    const big = await api(server, 'POST', '/api/sessions', { rawBody: JSON.stringify({ lab: 'x'.repeat(20_000) }) });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/trop grosse/);
  });

  it('refuses a missing or wrong token', async () => {
    expect((await api(server, 'DELETE', `/api/sessions/${session.id}`)).status).toBe(401);
    const wrong = await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: 'faux' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatch(/Jeton invalide/);
    expect((await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token })).status).toBe(200);
  });

  it('refuses a foreign Origin on state-changing requests', async () => {
    const res = await api(server, 'POST', '/api/sessions', {
      body: { lab: 'bac-a-sable' },
      origin: 'http://evil.example',
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/Origine non autorisée/);
  });

  it('refuses a check on an unknown step, and a question without an answer', async () => {
    const res = await api(server, 'POST', `/api/sessions/${session.id}/steps/nope/check`, { token: session.token });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/Étape « nope » inconnue/);
  });

  it('answers 503 in French once the session cap is reached', async () => {
    const second = await createSession(server);
    const third = await api(server, 'POST', '/api/sessions', { body: {} });
    expect(third.status).toBe(503);
    expect(third.body.error).toMatch(/Toutes les places sont prises/);
    await api(server, 'DELETE', `/api/sessions/${second.id}`, { token: second.token });
  });
});

describe('terminal WebSocket input', () => {
  it('refuses a foreign Origin at the upgrade', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/sessions/${session.id}/terminal`, {
      origin: 'http://evil.example',
    });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });

  it('closes with 4401 on a wrong token', async () => {
    const client = new TerminalClient(server, session.id);
    await new Promise((r) => client.ws.once('open', r));
    client.ws.send(JSON.stringify({ type: 'auth', token: 'mauvais' }));
    expect(await client.waitForClose()).toBe(4401);
    expect(client.messages[0]?.type).toBe('error');
    expect(JSON.stringify(client.messages[0])).toMatch(/Jeton invalide/);
  });

  it('closes with 4401 when keystrokes come before authentication', async () => {
    const client = new TerminalClient(server, session.id);
    await new Promise((r) => client.ws.once('open', r));
    client.ws.send(Buffer.from('ls\r'));
    expect(await client.waitForClose()).toBe(4401);
  });

  it('rejects bad resize values and unknown messages with an error, keeping the terminal', async () => {
    const client = new TerminalClient(server, session.id);
    await client.open(session.token);
    for (const bad of [
      { cols: 0, rows: 10 },
      { cols: 100, rows: 100_000 },
      { cols: 'a', rows: 2 },
      { cols: 80.5, rows: 24 },
    ]) {
      client.ws.send(JSON.stringify({ type: 'resize', ...bad }));
    }
    client.ws.send('{pas du json');
    client.ws.send(JSON.stringify({ type: 'inconnu' }));
    await expect.poll(() => client.messages.filter((m) => m.type === 'error').length, { timeout: 15_000 }).toBe(6);
    const errors = client.messages.filter((m) => m.type === 'error');
    expect(JSON.stringify(errors[0])).toMatch(/Taille de terminal invalide/);
    expect((await client.run('echo toujours-la')).trim()).toBe('toujours-la');
    client.close();
  });

  it('closes with 1009 on an oversized frame', async () => {
    const client = new TerminalClient(server, session.id);
    await client.open(session.token);
    client.ws.send(Buffer.alloc(200 * 1024, 97));
    expect(await client.waitForClose()).toBe(1009);
  });

  it('refuses an unknown session at the upgrade', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/sessions/abcdef/terminal`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(404);
  });
});

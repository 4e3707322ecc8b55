// Without a Docker engine the site still works, /api/health says engine:false, and asking for
// a sandbox gets a French explanation of what is missing and how to fix it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type RunningServer } from './harness.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
});

afterAll(async () => {
  await server?.stop();
});

describe('without a Docker engine', () => {
  it('reports engine:false and says so at start', async () => {
    expect((await api(server, 'GET', '/api/health')).body).toEqual({ ok: true, engine: false });
    expect(server.output()).toMatch(/Aucun moteur Docker ne répond/);
  });

  it('still serves the site and the TP list', async () => {
    const home = await fetch(`${server.base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Apprendre Docker');
    expect((await fetch(`${server.base}/decks/images-de-conteneurs/`)).status).toBe(200);
    const labs = await api(server, 'GET', '/api/labs');
    expect(labs.status).toBe(200);
  });

  it('answers a session request with a 503 telling what to install', async () => {
    const { status, body } = await api(server, 'POST', '/api/sessions', { body: { lab: 'tp-images' } });
    expect(status).toBe(503);
    expect(body.error).toMatch(/apt-get install docker\.io/);
  });
});

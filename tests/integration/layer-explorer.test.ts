// The layer explorer against the real engine: two images built in a sandbox, one with the apt
// lists removed in a later RUN (wasted, in the layer that made them), one with them removed in
// the same RUN (nothing wasted); a layer's files; and what is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageLayers, SessionCreated } from '../../shared/contract.ts';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

let server: RunningServer;
let session: SessionCreated;

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server);
  const terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
  const build = [
    'mkdir -p /root/couches && cd /root/couches',
    "printf 'FROM debian:bookworm\\nRUN apt-get update\\nRUN rm -rf /var/lib/apt/lists/*\\n' > Dockerfile.separe",
    "printf 'FROM debian:bookworm\\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\\n' > Dockerfile.ensemble",
    'docker build -q -f Dockerfile.separe -t couches:separe . && docker build -q -f Dockerfile.ensemble -t couches:ensemble . && echo CONSTR""UIT',
  ].join(' && ');
  const out = await terminal.run(build, 300_000);
  expect(out).toContain('CONSTRUIT');
  terminal.close();
}, 400_000);

afterAll(async () => {
  await server.stop();
  expect(await leftovers()).toEqual([]);
});

const layersOf = async (ref: string) =>
  api(server, 'GET', `/api/sessions/${session.id}/images/${encodeURIComponent(ref)}/layers`, { token: session.token });

describe('the layer explorer', () => {
  it('lists the sandbox’s images', async () => {
    const res = await api(server, 'GET', `/api/sessions/${session.id}/images`, { token: session.token });
    expect(res.status).toBe(200);
    const refs = (res.body.images as { ref: string; size: number }[]).map((i) => i.ref);
    // BuildKit does not keep the base it pulled for a build in the image list.
    expect(refs).toEqual(expect.arrayContaining(['couches:separe', 'couches:ensemble']));
  });

  it('reports the apt lists removed by a later RUN as wasted, in the layer that made them', async () => {
    const res = await layersOf('couches:separe');
    expect(res.status).toBe(200);
    const image = res.body as unknown as ImageLayers;
    expect(image.layers).toHaveLength(3);
    const update = image.layers.find((l) => l.instruction.includes('apt-get update'));
    expect(update?.wastedBytes).toBeGreaterThan(1_000_000);
    expect(update?.wasted[0]?.path).toMatch(/^var\/lib\/apt\/lists\//);
    expect(image.wasted).toBe(update?.wastedBytes);
    expect(image.efficiency).toBeLessThan(1);
    const removal = image.layers.at(-1);
    expect(removal?.instruction).toContain('rm -rf /var/lib/apt/lists/*');
    expect(removal?.removed).toBeGreaterThan(0);

    // That layer's files, filtered.
    const index = image.layers.indexOf(removal as ImageLayers['layers'][number]);
    const files = await api(
      server,
      'GET',
      `/api/sessions/${session.id}/images/couches%3Asepare/layers/${index}?change=removed&filter=lists`,
      { token: session.token },
    );
    expect(files.status).toBe(200);
    const listed = files.body.files as { path: string; change: string }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((f) => f.change === 'removed' && f.path.includes('lists'))).toBe(true);
  });

  it('reports nothing wasted when the lists go in the same RUN', async () => {
    const image = (await layersOf('couches:ensemble')).body as unknown as ImageLayers;
    expect(image.layers).toHaveLength(2);
    expect(image.wasted).toBe(0);
    expect(image.efficiency).toBe(1);
  });

  it('refuses an unknown image (404), a bad reference (400), no token (401), another session’s token (403)', async () => {
    const missing = await layersOf('nulle-part:1.0');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/introuvable dans votre bac à sable/);
    const bad = await api(server, 'GET', `/api/sessions/${session.id}/images/..%2F..%2Fetc/layers`, {
      token: session.token,
    });
    expect(bad.status).toBe(400);
    const flag = await api(server, 'GET', `/api/sessions/${session.id}/images/--output%3D%2Ftmp%2Fx/layers`, {
      token: session.token,
    });
    expect(flag.status).toBe(400);
    expect((await api(server, 'GET', `/api/sessions/${session.id}/images/couches%3Asepare/layers`)).status).toBe(401);
    const other = await createSession(server);
    const foreign = await api(server, 'GET', `/api/sessions/${session.id}/images/couches%3Asepare/layers`, {
      token: other.token,
    });
    expect(foreign.status).toBe(403);
    await api(server, 'DELETE', `/api/sessions/${other.id}`, { token: other.token });
  });
});

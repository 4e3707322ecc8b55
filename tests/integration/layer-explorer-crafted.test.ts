// The layer explorer against crafted images, on the real engine: tars made in a sandbox and
// `docker import`ed, one of 4000 files 1400 folders deep (the attack seen on main: the explorer
// held the event loop 13 s, /api/health took up to 11.7 s), one of 4000 paths of 3.8 KB 120
// folders deep (within the bounds). While each is explored, /api/health is polled: it must keep
// answering, and the longest it took is printed for the README.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageLayers, SessionCreated } from '../../shared/contract.ts';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

let server: RunningServer;
let session: SessionCreated;

/** Generous for a busy two-core machine: the old explorer held the loop for seconds. */
const healthBoundMs = 500;

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server);
  const terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
  // Each tar is made from a real folder tree: GNU tar writes its long names as the attack did.
  const craft = (name: string, folder: string, levels: number, files: number) =>
    [
      `rm -rf /tmp/${name} && mkdir -p /tmp/${name} && cd /tmp/${name}`,
      `d=$(printf '${folder}/%.0s' $(seq ${levels}))`,
      'mkdir -p "$d"',
      `(cd "$d" && touch $(seq -f f%g ${files}))`,
      `tar -cf /tmp/${name}.tar .`,
      'cd /root',
      `rm -rf /tmp/${name}`,
      `docker import /tmp/${name}.tar couches:${name} >/dev/null`,
      `rm /tmp/${name}.tar`,
    ].join(' && ');
  const out = await terminal.run(
    `${craft('profond', 'a', 1400, 4000)} && ${craft('large', 'dossier-au-nom-de-31-caracteres', 120, 4000)} && echo IMP""ORTEES`,
    300_000,
  );
  expect(out).toContain('IMPORTEES');
  terminal.close();
}, 400_000);

afterAll(async () => {
  await server.stop();
  // This session's only: other test servers may run on the same engine meanwhile.
  expect(await leftovers(session.id)).toEqual([]);
});

/** Runs `work` while polling /api/health one request after the other; every latency measured. */
async function pollingHealth<T>(work: () => Promise<T>): Promise<{ result: T; max: number; count: number }> {
  let done = false;
  const latencies: number[] = [];
  const statuses = new Set<number | string>();
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      try {
        const res = await fetch(`${server.base}/api/health`);
        await res.arrayBuffer();
        statuses.add(res.status);
      } catch (error) {
        // A connection the server dropped: reported below with the statuses.
        statuses.add(String(error));
      }
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return { result: await work(), max: Math.max(...latencies), count: latencies.length };
  } finally {
    done = true;
    await poller;
    expect([...statuses]).toEqual([200]);
  }
}

const layersOf = (ref: string) =>
  api(server, 'GET', `/api/sessions/${session.id}/images/${encodeURIComponent(ref)}/layers`, { token: session.token });

describe('the layer explorer and crafted images', () => {
  it('refuses 4000 files 1400 folders deep in French (422), /api/health answering meanwhile', async () => {
    const started = performance.now();
    const { result, max, count } = await pollingHealth(() => layersOf('couches:profond'));
    console.log(
      `couches:profond (1400 levels, 4000 files): ${result.status} after ${Math.round(performance.now() - started)} ms; ` +
        `/api/health max ${Math.round(max)} ms over ${count} requests`,
    );
    expect(result.status).toBe(422);
    expect(result.body.error).toMatch(
      /^Image trop complexe pour l’explorateur de couches : un de ses chemins a \d+ niveaux de dossiers, quand l’explorateur en lit 128 au plus\. .*docker history couches:profond/,
    );
    expect(max).toBeLessThan(healthBoundMs);
    // Asked again (the files of a layer): refused at once, without saving the image again.
    const again = performance.now();
    const files = await api(server, 'GET', `/api/sessions/${session.id}/images/couches%3Aprofond/layers/0`, {
      token: session.token,
    });
    expect(files.status).toBe(422);
    expect(performance.now() - again).toBeLessThan(5000);
  });

  it('explores 4000 paths of 3.8 KB 120 folders deep (within the bounds), /api/health answering meanwhile', async () => {
    const started = performance.now();
    const { result, max, count } = await pollingHealth(() => layersOf('couches:large'));
    console.log(
      `couches:large (120 levels, 4000 paths of 3.8 KB): ${result.status} after ${Math.round(performance.now() - started)} ms; ` +
        `/api/health max ${Math.round(max)} ms over ${count} requests`,
    );
    expect(result.status).toBe(200);
    const image = result.body as unknown as ImageLayers;
    expect(image.layers).toHaveLength(1);
    expect(image.layers[0]?.added).toBe(4000);

    // Its files: listed up to the answer's bound of path bytes, said truncated.
    const files = await pollingHealth(() =>
      api(server, 'GET', `/api/sessions/${session.id}/images/couches%3Alarge/layers/0?filter=f39`, {
        token: session.token,
      }),
    );
    expect(files.result.status).toBe(200);
    const listed = files.result.body.files as { path: string }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((f) => f.path.startsWith('dossier-au-nom-de-31-caracteres/') && f.path.includes('f39'))).toBe(
      true,
    );
    expect(files.max).toBeLessThan(healthBoundMs);
  });
});

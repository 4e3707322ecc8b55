// Session lifecycle against the real engine: the warm pool, lifetime and idle expiry, and a
// server killed with SIGKILL that re-adopts live sandboxes and leaks nothing.
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import {
  api,
  createSession,
  leftovers,
  startServer,
  TerminalClient,
  waitUntil,
  type RunningServer,
} from './harness.ts';

const docker = new Docker();
let server: RunningServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  expect(await leftovers()).toEqual([]);
});

describe('session lifecycle', () => {
  it('hands out a pre-started sandbox from the warm pool', async () => {
    server = await startServer({ POOL_SIZE: '1' });
    const s = server;
    await waitUntil(async () => (await leftovers()).some((l) => l.startsWith('container')), 60_000, 'the pool');
    await waitUntil(
      async () =>
        (await docker.listContainers({ filters: { label: ['cours-docker.pooled=true'], status: ['running'] } }))
          .length === 1,
      60_000,
      'a pooled sandbox',
    );
    // Ready for a student: its engine answered (the server's own count of ready pool sandboxes).
    await waitUntil(
      async () => /^cours_docker_pool_sandboxes 1$/m.test(await (await fetch(`${s.base}/metrics`)).text()),
      60_000,
      'a ready pool sandbox',
    );
    const [pooled] = await docker.listContainers({ filters: { label: ['cours-docker.pooled=true'] } });
    const session = await createSession(s);
    expect(pooled?.Labels['cours-docker.session']).toBe(session.id);
    const terminal = new TerminalClient(s, session.id);
    await terminal.open(session.token);
    expect((await terminal.run('docker version --format "{{.Server.Version}}"')).trim()).toMatch(/^\d+\./);
    terminal.close();
    // The pool refills behind the student.
    await waitUntil(
      // Sandboxes only: each also has its checker beside it.
      async () =>
        (await leftovers()).filter((l) => l.startsWith('container') && l.includes('cours-docker-sb-')).length === 2,
      60_000,
      'refill',
    );
  });

  it('ends a session at the end of its lifetime, and tells the terminal', async () => {
    server = await startServer({ SESSION_LIFETIME: '30', REAPER_INTERVAL: '1' });
    const session = await createSession(server);
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    // Keep the session busy so only the lifetime can end it.
    const busy = setInterval(() => terminal.type(' '), 2000);
    try {
      const expired = await terminal.waitForMessage('expired', 60_000);
      expect(JSON.stringify(expired)).toMatch(/temps de cette session est écoulé/);
    } finally {
      clearInterval(busy);
    }
    expect(await terminal.waitForClose()).toBe(4410);
    expect(await leftovers(session.id)).toEqual([]);
  });

  it('ends an idle session, and the remaining time reflects the idle limit', async () => {
    server = await startServer({ SESSION_IDLE_TIMEOUT: '10', REAPER_INTERVAL: '1' });
    const session = await createSession(server);
    expect(Date.parse(session.idleExpiresAt) - Date.now()).toBeLessThanOrEqual(10_000);
    await waitUntil(async () => (await leftovers(session.id)).length === 0, 40_000, 'idle expiry');
    const gone = await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token });
    expect(gone.status).toBe(404);
  });

  it('survives SIGKILL: a restarted server re-adopts live sandboxes and removes the rest', async () => {
    const first = await startServer();
    const kept = await createSession(first);
    const terminal = new TerminalClient(first, kept.id);
    await terminal.open(kept.token);
    await terminal.run('export AVANT=crash');
    terminal.close();
    // A sandbox with no session record: what a crash in the middle of a creation leaves.
    const { default: Dockerode } = await import('dockerode');
    const stray = await new Dockerode().createNetwork({
      Name: 'cours-docker-sb-stray',
      Labels: {
        'cours-docker.managed': 'true',
        'cours-docker.session': 'stray0000000000000000',
        'cours-docker.instance': 'tests',
      },
    });
    await first.stop('SIGKILL');
    expect((await leftovers(kept.id)).length).toBeGreaterThan(0);

    server = await startServer({}, first.dataDir);
    const again = new TerminalClient(server, kept.id);
    await again.open(kept.token);
    expect((await again.run('echo "$AVANT"')).trim()).toBe('crash');
    again.close();
    await expect(stray.inspect()).rejects.toThrow();
  });

  it('removes every sandbox it made on SIGTERM', async () => {
    const s = await startServer({ POOL_SIZE: '1' });
    await createSession(s);
    await createSession(s);
    expect(await s.stop('SIGTERM')).toBe(0);
    expect(await leftovers()).toEqual([]);
  });
});

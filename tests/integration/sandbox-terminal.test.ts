// A student's sandbox through the contract: real docker commands in the terminal, resize,
// reconnect to the same shell, a fresh shell after `exit`, UTF-8, the relay's own read-only
// socket, and nothing left after DELETE.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';
import type { SessionCreated } from '../../shared/contract.ts';

/** The harness's instance: the terminal sockets are in a folder of its own. */
const instance = process.env.TEST_INSTANCE_ID ?? 'tests';
let server: RunningServer;
let session: SessionCreated;
let terminal: TerminalClient;

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server);
  terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
});

afterAll(async () => {
  terminal?.close();
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

describe('sandbox terminal', () => {
  it('runs hello-world from the course registry, with no internet', async () => {
    const out = await terminal.run('docker run --rm hello-world');
    expect(out).toContain('Bonjour depuis Docker !');
  });

  it('pulls debian:bookworm from the mirror', async () => {
    const out = await terminal.run(
      'docker pull debian:bookworm >/dev/null && docker image ls --format "{{.Repository}}:{{.Tag}}"',
    );
    expect(out).toContain('debian:bookworm');
  });

  it('builds an image whose Dockerfile installs a package with apt-get', async () => {
    const out = await terminal.run(
      'mkdir -p /root/b && cd /root/b && printf \'FROM debian:bookworm\\nRUN apt-get update && apt-get install -y --no-install-recommends cowsay && rm -rf /var/lib/apt/lists/*\\nCMD ["/usr/games/cowsay","meuh"]\\n\' > Dockerfile && docker build -q -t vache . >/dev/null && docker run --rm vache; cd /root',
      240_000,
    );
    expect(out).toContain('meuh');
  });

  it('resizes: stty size follows the resize message', async () => {
    terminal.ws.send(JSON.stringify({ type: 'resize', cols: 123, rows: 41 }));
    await expect.poll(async () => (await terminal.run('stty size')).trim(), { timeout: 15_000 }).toBe('41 123');
  });

  it('speaks UTF-8 both ways', async () => {
    expect(await terminal.run('echo "été ─┼─ ✓"')).toContain('été ─┼─ ✓');
  });

  it('reconnecting with the same token gets the same shell and its screen', async () => {
    await terminal.run('export MARQUE=conservee; cd /tmp');
    terminal.close();
    const again = new TerminalClient(server, session.id);
    await again.open(session.token);
    // The redrawn screen shows what was typed before the reconnection.
    await again.waitForText('MARQUE=conservee');
    expect((await again.run('echo "$MARQUE $PWD"')).trim()).toBe('conservee /tmp');
    terminal = again;
  });

  it('reaches the shell over a socket of the server that the sandbox cannot change, not over TCP', async () => {
    expect(existsSync(path.join(server.dataDir, 'terminals', instance, `${session.id}.sock`))).toBe(true);
    // That socket alone, read-only: no folder of the host to write into, even remounted.
    const mounted = String.raw`awk '$5 ~ /^\/opt\/terminal-relay/ { print $5, $6 }' /proc/self/mountinfo`;
    expect((await terminal.run(mounted)).trim()).toMatch(/^\/opt\/terminal-relay\/relay\.sock ro,/);
    const touched = 'touch /opt/terminal-relay/x 2>/dev/null && echo écrit || echo refusé';
    expect((await terminal.run(touched)).trim()).toBe('refusé');
    const removed = 'rm -f /opt/terminal-relay/relay.sock 2>/dev/null && echo retiré || echo refusé';
    expect((await terminal.run(removed)).trim()).toBe('refusé');
    // Remounted read-write (SYS_ADMIN allows it here), a socket still takes no bytes as a file.
    await terminal.run('mount -o remount,rw,bind /opt/terminal-relay/relay.sock');
    expect((await terminal.run(mounted)).trim()).toMatch(/^\/opt\/terminal-relay\/relay\.sock rw,/);
    const written = 'echo x 2>/dev/null > /opt/terminal-relay/relay.sock && echo écrit || echo refusé';
    expect((await terminal.run(written)).trim()).toBe('refusé');
    // No connection established to the relay's TCP port (7681 is 1E01): this terminal is not one.
    const tcp = String.raw`awk '$2 ~ /:1E01$/ && $4 == "01"' /proc/net/tcp /proc/net/tcp6 | wc -l`;
    expect((await terminal.run(tcp)).trim()).toBe('0');
  });

  it('keeps the same shell when the student stops the terminal relay with pkill', async () => {
    await terminal.run('export RELAIS=vivant');
    const before = terminal.messages.length;
    await terminal.run('pkill -f sandbox-terminal-relay; echo envoyé');
    // The relay holds the shell's pty: it shrugs off TERM, and the shell goes on unbroken.
    expect((await terminal.run('echo "$RELAIS"')).trim()).toBe('vivant');
    expect(terminal.messages.slice(before).map((m) => m.type)).not.toContain('exit');
  });

  it('comes back, with a fresh shell, when the student kills the terminal relay outright', async () => {
    const before = terminal.messages.length;
    terminal.type('pkill -9 -f sandbox-terminal-relay\r');
    await terminal.waitForMessage('exit', 10_000, before);
    await terminal.waitForMessage('ready', 30_000, before);
    // pkill may also catch the relay that comes back while it still scans /proc (a second
    // exit, then ready): what is typed in between is lost, so wait for the last one.
    for (let seen = -1; seen !== terminal.messages.length;) {
      seen = terminal.messages.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    const types = terminal.messages.slice(before).map((m) => m.type);
    expect(types.lastIndexOf('ready')).toBeGreaterThan(types.lastIndexOf('exit'));
    expect((await terminal.run('echo "${RELAIS:-neuf}"')).trim()).toBe('neuf');
  });

  it('exit gives a fresh shell, not a dead terminal', async () => {
    const before = terminal.messages.length;
    terminal.type('exit\r');
    await terminal.waitForMessage('exit', 10_000, before);
    await terminal.waitForMessage('ready', 20_000, before);
    expect((await terminal.run('echo "${MARQUE:-vide}"')).trim()).toBe('vide');
  });

  it('GET /api/sessions/:id tells the remaining time', async () => {
    const { status, body } = await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token });
    expect(status).toBe(200);
    expect(Date.parse(String(body.expiresAt))).toBeGreaterThan(Date.now());
    expect(body.state).toBe('ready');
  });

  it('DELETE removes the container, its volumes, its network and its terminal socket', async () => {
    expect((await leftovers(session.id)).length).toBeGreaterThan(0);
    const { status } = await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token });
    expect(status).toBe(204);
    expect(await leftovers(session.id)).toEqual([]);
    expect(existsSync(path.join(server.dataDir, 'terminals', instance, `${session.id}.sock`))).toBe(false);
    expect(await terminal.waitForClose()).toBe(4410);
    const again = await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token });
    expect(again.status).toBe(404);
  });
});

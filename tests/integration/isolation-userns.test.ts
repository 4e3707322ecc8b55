// The userns isolation mode, on real sandboxes: on the engine with userns-remap every process
// of a sandbox is an ordinary host user, the powers of host root are gone, nested Docker and the
// sandbox's limits still work; asking for it of an engine without userns-remap opens nothing.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createSession,
  leftovers,
  startServer,
  TerminalClient,
  usernsEngine,
  type RunningServer,
} from './harness.ts';
import type { SessionCreated } from '../../shared/contract.ts';

const engine = new Docker({ socketPath: usernsEngine.socketPath });

/** Host uids of every process of the session's sandbox, as the host sees them. */
async function hostUids(sessionId: string): Promise<number[]> {
  const top = (await engine.getContainer(`cours-docker-sb-${sessionId}`).top({ ps_args: '-o pid,uid,comm' })) as {
    Titles: string[];
    Processes: string[][];
  };
  const uid = top.Titles.indexOf('UID');
  return top.Processes.map((row) => Number(row[uid]));
}

describe('SANDBOX_ISOLATION=userns on the userns-remap engine', () => {
  let server: RunningServer;
  let session: SessionCreated;
  let terminal: TerminalClient;

  beforeAll(async () => {
    server = await startServer({
      ...usernsEngine.env,
      SANDBOX_MEMORY: '1g',
      SANDBOX_DISK: '384m',
      SANDBOX_HOME: '128m',
    });
    expect(server.output()).toContain('Isolation userns');
    session = await createSession(server);
    terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
  });

  afterAll(async () => {
    terminal?.close();
    await server?.stop();
    expect(await leftovers(undefined, usernsEngine)).toEqual([]);
  });

  it("every process of the sandbox runs as an ordinary host user, the student's root shell included", async () => {
    expect((await terminal.run('id -u')).trim()).toBe('0');
    // Root here is uid 100000 (or above) out there: the kernel's map says so...
    const map = (await terminal.run('cat /proc/self/uid_map')).trim().split(/\s+/).map(Number);
    expect(map[0]).toBe(0);
    expect(map[1]).toBeGreaterThan(0);
    // ...and so does the host, for the shell, dockerd, containerd and the relay.
    const uids = await hostUids(session.id);
    expect(uids.length).toBeGreaterThan(3);
    for (const uid of uids) expect(uid).toBeGreaterThanOrEqual(map[1] ?? 1);
  });

  it('the powers of host root are gone: device nodes, the clock, kernel settings', async () => {
    const refused = (command: string) => terminal.run(`{ ${command}; } >/dev/null 2>&1 && echo permis || echo refusé`);
    // With CAP_MKNOD in the host's namespace, a block device node opens the host's disk.
    expect((await refused('mknod /tmp/disque b 8 0')).trim()).toBe('refusé');
    expect((await refused('date -s "2031-01-01"')).trim()).toBe('refusé');
    expect((await refused('echo 1 > /proc/sys/kernel/sysrq')).trim()).toBe('refusé');
    expect((await refused('echo h > /proc/sysrq-trigger')).trim()).toBe('refusé');
  });

  it('nested Docker works: run, build, a published port', async () => {
    expect(await terminal.run('docker run --rm hello-world 2>&1 | tail -n 25', 120_000)).toContain(
      'Bonjour depuis Docker',
    );
    const built = await terminal.run(
      'mkdir -p /root/essai && cd /root/essai && printf "FROM debian:bookworm-slim\\nRUN echo construit > /preuve\\nCMD [\\"cat\\", \\"/preuve\\"]\\n" > Dockerfile && docker build -q -t essai . >/dev/null && docker run --rm essai',
      180_000,
    );
    expect(built).toContain('construit');
    // runc enters a non-root container through its /proc/<pid>/ns (the sandbox's SYS_PTRACE).
    expect(
      (
        await terminal.run(
          'docker run -d --name non-root --user 1000 essai sleep 60 >/dev/null && docker exec non-root id -u; docker rm -f non-root >/dev/null',
          60_000,
        )
      ).trim(),
    ).toBe('1000');
    const served = await terminal.run(
      'docker run -d --name web -p 8080:80 nginx >/dev/null && for i in $(seq 1 50); do curl -s -m 2 localhost:8080 && break; sleep 0.2; done | grep -o "Welcome to nginx" | head -n 1',
      120_000,
    );
    expect(served).toContain('Welcome to nginx');
  });

  it("the sandbox's memory limit still holds (the inner engine runs without cgroups of its own)", async () => {
    // tail keeps what it reads: killed by the limit (137). Silent and bounded, so that a limit
    // that does not hold fails with its code (0, or 124 after 90 s) rather than 2 GB of output
    // in the terminal.
    const out = await terminal.run(
      'timeout 90 sh -c "head -c 2G /dev/zero | tail >/dev/null"; echo "code=$?"',
      120_000,
    );
    expect(out).toContain('code=137');
    expect((await terminal.run('docker version --format "{{.Server.Version}}"')).trim()).toMatch(/^26\./);
  });
});

describe('SANDBOX_ISOLATION=none on the userns-remap engine', () => {
  it("opts the sandboxes out of the remap: their root is the host's", async () => {
    const server = await startServer({ ...usernsEngine.env, SANDBOX_ISOLATION: 'none' });
    try {
      expect(server.output()).toContain('Isolation none');
      const session = await createSession(server);
      const uids = await hostUids(session.id);
      expect(uids).toContain(0);
    } finally {
      await server.stop();
    }
    expect(await leftovers(undefined, usernsEngine)).toEqual([]);
  });
});

describe('SANDBOX_ISOLATION=userns on an engine without userns-remap', () => {
  it('fails closed: no sandbox opens, and the 503 says how to turn the remap on', async () => {
    const server = await startServer({ SANDBOX_ISOLATION: 'userns' });
    try {
      const created = await api(server, 'POST', '/api/sessions', { body: { lab: 'bac-a-sable' } });
      expect(created.status).toBe(503);
      expect(String(created.body.error)).toContain('userns-remap');
      const ready = await api(server, 'GET', '/api/ready');
      expect(ready.status).toBe(503);
    } finally {
      await server.stop();
    }
    expect(await leftovers()).toEqual([]);
  });
});

// Limits and isolation, enforced on real sandboxes: a fork bomb, a memory hog and a disk
// filler stay inside their sandbox while the server keeps answering; a sandbox reaches neither
// the server's port nor the host nor another sandbox, but reaches the course registry.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';
import type { SessionCreated } from '../../shared/contract.ts';

let server: RunningServer;
let a: SessionCreated;
let b: SessionCreated;
let ta: TerminalClient;
let tb: TerminalClient;

beforeAll(async () => {
  // Listening on every address, as a careless deployment would: the firewall must still hold.
  server = await startServer({
    HOST: '0.0.0.0',
    SANDBOX_MEMORY: '1g',
    SANDBOX_DISK: '384m',
    SANDBOX_HOME: '128m',
    SANDBOX_PIDS: '256',
  });
  [a, b] = await Promise.all([createSession(server), createSession(server)]);
  ta = new TerminalClient(server, a.id);
  tb = new TerminalClient(server, b.id);
  await Promise.all([ta.open(a.token), tb.open(b.token)]);
});

afterAll(async () => {
  ta?.close();
  tb?.close();
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

const hostAddress = Object.values(networkInterfaces())
  .flat()
  .find(
    (i) => i && i.family === 'IPv4' && !i.internal && !i.address.startsWith('172.') && !i.address.startsWith('10.'),
  )?.address;

async function reach(terminal: TerminalClient, url: string): Promise<string> {
  return (await terminal.run(`curl -s -o /dev/null -m 3 -w '%{http_code}' ${url} || echo " refusé"`)).trim();
}

/** The same, asked again until it answers 200 (a server just started may not listen yet). */
async function reachOnceUp(terminal: TerminalClient, url: string): Promise<string> {
  const ask = `curl -s -o /dev/null -m 3 -w '%{http_code}' ${url}`;
  return (
    await terminal.run(`for i in $(seq 60); do c=$(${ask}); [ "$c" = 200 ] && break; sleep 0.5; done; echo "$c"`)
  ).trim();
}

describe('network isolation', () => {
  it('a sandbox cannot reach the server through its gateway or the host address', async () => {
    const gateway = (await ta.run("ip route | awk '/default/ {print $3}'")).trim();
    expect(gateway).toMatch(/^10\.213\.\d+\.1$/);
    expect(await reach(ta, `http://${gateway}:${server.port}/api/health`)).toMatch(/^000/);
    if (hostAddress) expect(await reach(ta, `http://${hostAddress}:${server.port}/api/health`)).toMatch(/^000/);
    // The host itself answers on that address: it is the sandbox that is blocked.
    if (hostAddress) expect((await fetch(`http://${hostAddress}:${server.port}/api/health`)).status).toBe(200);
  });

  it('a sandbox cannot reach another sandbox', async () => {
    const ipB = (await tb.run("ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1")).trim();
    expect(ipB).toMatch(/^10\.213\./);
    await tb.run('(docker rm -f web >/dev/null 2>&1; docker run -d --name web -p 8080:80 httpd:2.4 >/dev/null)');
    expect(await reachOnceUp(tb, 'http://127.0.0.1:8080/')).toBe('200');
    expect(await reach(ta, `http://${ipB}:8080/`)).toMatch(/^000/);
    expect((await ta.run(`ping -c 1 -W 2 ${ipB} >/dev/null 2>&1 && echo joignable || echo injoignable`)).trim()).toBe(
      'injoignable',
    );
  });

  it("a sandbox cannot reach another sandbox's terminal relay", async () => {
    const ipB = (await tb.run("ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1")).trim();
    // B's relay listens: B itself reaches it...
    expect((await tb.run(`timeout 3 bash -c 'exec 3<>/dev/tcp/${ipB}/7681' && echo ouvert || echo fermé`)).trim()).toBe(
      'ouvert',
    );
    // ...and A does not, so A cannot type into B's shell.
    expect((await ta.run(`timeout 3 bash -c 'exec 3<>/dev/tcp/${ipB}/7681' && echo ouvert || echo fermé`)).trim()).toBe(
      'fermé',
    );
  });

  it('a sandbox cannot reach the host over IPv6, even through its bridge’s link-local address', async () => {
    // A host service listening on every IPv6 address, as many do.
    const listener = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    await new Promise<void>((resolve) => listener.listen(0, '::', resolve));
    const port = (listener.address() as AddressInfo).port;
    try {
      const bridge = `cdsb${a.id.slice(0, 11)}`;
      const linkLocal = /inet6 (fe80::[0-9a-f:]+)/.exec(
        execFileSync('ip', ['-6', 'addr', 'show', 'dev', bridge], { encoding: 'utf8' }),
      )?.[1];
      // The host reaches its own listener there: it is the sandbox that is blocked.
      if (linkLocal) {
        expect(await reach(ta, `-g -6 'http://[${linkLocal}%25eth0]:${port}/'`)).toMatch(/^000/);
      }
      expect(await reach(ta, `-g -6 'http://[::1]:${port}/'`)).toMatch(/^000/);
      const rules = execFileSync('ip6tables', ['-S', 'INPUT'], { encoding: 'utf8' });
      expect(rules).toContain('-i cdsb+ -j COURS-DOCKER-V6');
    } finally {
      listener.close();
    }
  });

  it("a container inside the sandbox reaches the relay's port but cannot type into the shell", async () => {
    const ipA = (await ta.run("ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1")).trim();
    // Sends a secret, a dtach attach packet and a push of "\r": a shell behind the relay answers.
    const probe = String.raw`exec 3<>/dev/tcp/$2/7681 || exit 3
printf '%s' "$1" >&3
printf '\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x0d\x00\x00\x00\x00\x00\x00\x00' >&3
timeout 3 cat <&3 2>/dev/null | wc -c`;
    await ta.run(`base64 -d > /root/probe.sh <<< ${Buffer.from(probe).toString('base64')}`);
    // The control: with the sandbox's own secret (root in the sandbox can read it), the probe gets the shell.
    const secret = (
      await ta.run(String.raw`tr '\0' '\n' < /proc/1/environ | sed -n 's/^SANDBOX_RELAY_SECRET=//p'`)
    ).trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(Number((await ta.run(`bash /root/probe.sh ${secret} ${ipA}`)).trim())).toBeGreaterThan(0);
    // A container the student runs (a poisoned image, say) does not know it: nothing comes back.
    const inner = await ta.run(
      `docker run --rm -v /root/probe.sh:/probe.sh debian:bookworm bash /probe.sh ${'0'.repeat(64)} ${ipA} 2>&1 | tail -n 1`,
      120_000,
    );
    expect(inner.trim()).toBe('0');
  });

  it('a sandbox reaches the course registry', async () => {
    expect(await reach(ta, 'http://cours-docker-registry:5000/v2/')).toBe('200');
  });
});

describe('least privilege', () => {
  it('drops the host-kernel powers nested Docker does not need, and masks /proc', async () => {
    // CapBnd of the sandbox's shell: none of these bits (CAP_SYS_MODULE 16, SYS_RAWIO 17,
    // SYS_BOOT 22, SYS_TIME 25, SYSLOG 34, SYS_RESOURCE 24).
    const bounding = BigInt(`0x${(await ta.run("awk '/CapBnd/ {print $2}' /proc/self/status")).trim()}`);
    for (const bit of [16, 17, 22, 24, 25, 34]) expect((bounding >> BigInt(bit)) & 1n).toBe(0n);
    expect((await ta.run('date -s "2031-01-01" >/dev/null 2>&1 && echo heure-changée || echo refusé')).trim()).toBe(
      'refusé',
    );
    expect((await ta.run('{ echo h > /proc/sysrq-trigger; } 2>/dev/null && echo écrit || echo refusé')).trim()).toBe(
      'refusé',
    );
    expect((await ta.run('{ echo 1 > /proc/sys/kernel/sysrq; } 2>/dev/null && echo écrit || echo refusé')).trim()).toBe(
      'refusé',
    );
    // Nested Docker still works without them.
    expect(await ta.run('docker run --rm hello-world 2>&1 | tail -n 25', 120_000)).toContain('Bonjour depuis Docker');
  });
});

describe('limits', () => {
  it('a memory hog is OOM-killed inside the sandbox, whose engine survives', async () => {
    const out = await ta.run('head -c 2G /dev/zero | tail; echo "code=$?"', 120_000);
    expect(out).toContain('code=137');
    expect((await ta.run('docker version --format "{{.Server.Version}}"')).trim()).toMatch(/^\d+\./);
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
  });

  it("a disk filler gets 'No space left on device' and the host's disk is untouched", async () => {
    const before = statfsSync('/').bavail * statfsSync('/').bsize;
    const fill = (file: string) =>
      ta.run(
        `dd if=/dev/zero of=${file} bs=1M count=2048 2>&1 | grep -o "No space left on device" | head -n 1; rm -f ${file}`,
        120_000,
      );
    expect(await fill('/var/lib/docker/remplissage')).toMatch(/No space left on device/);
    expect(await fill('/root/gros')).toMatch(/No space left on device/);
    expect(await fill('/tmp/gros')).toMatch(/No space left on device/);
    const elsewhere = await ta.run('touch /usr/local/essai /var/tmp/essai 2>&1');
    expect(elsewhere).toMatch(/Read-only file system/);
    const after = statfsSync('/').bavail * statfsSync('/').bsize;
    expect(before - after).toBeLessThan(256 * 1024 * 1024);
  });

  it('sandboxes sit under one parent cgroup that weighs less than the server', async () => {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker();
    const info = (await docker.info()) as { CgroupDriver?: string; CgroupVersion?: string };
    const container = docker.getContainer(`cours-docker-sb-${b.id}`);
    const parent = (await container.inspect()).HostConfig.CgroupParent;
    const slice = info.CgroupDriver === 'systemd';
    expect(parent).toBe(slice ? 'cours-docker-sandboxes.slice' : '/cours-docker-sandboxes');
    const group = slice ? 'cours-docker-sandboxes.slice' : 'cours-docker-sandboxes';
    const file =
      info.CgroupVersion === '1'
        ? [`/sys/fs/cgroup/cpu/${group}/cpu.shares`, `/sys/fs/cgroup/cpu,cpuacct/${group}/cpu.shares`].find(existsSync)
        : `/sys/fs/cgroup/${group}/cpu.weight`;
    if (!file) throw new Error(`no cpu controller file for ${group}`);
    // Reset to the engine's default: the next sandbox's start must weigh the parent again.
    writeFileSync(file, info.CgroupVersion === '1' ? '1024' : '100');
    const c = await createSession(server);
    // The default weight, 25 (a service weighs 100): 256 shares on cgroup v1.
    expect(readFileSync(file, 'utf8').trim()).toBe(info.CgroupVersion === '1' ? '256' : '25');
    expect((await api(server, 'DELETE', `/api/sessions/${c.id}`, { token: c.token })).status).toBe(204);
  });

  it('a fork bomb is held by the pids limit while the server and other sandboxes keep working', async () => {
    const { default: Docker } = await import('dockerode');
    const container = new Docker().getContainer(`cours-docker-sb-${a.id}`);
    expect((await container.inspect()).HostConfig.PidsLimit).toBe(256);
    ta.type(':(){ :|:& };:\r');
    await new Promise((r) => setTimeout(r, 5000));
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
    expect((await tb.run('echo vivant')).trim()).toBe('vivant');
    const stats = (await container.stats({ stream: false })) as { pids_stats?: { current?: number } };
    expect(stats.pids_stats?.current ?? 0).toBeLessThanOrEqual(256);
    // The bombed sandbox can still be thrown away.
    expect((await api(server, 'DELETE', `/api/sessions/${a.id}`, { token: a.token })).status).toBe(204);
    expect(await leftovers(a.id)).toEqual([]);
  });
});

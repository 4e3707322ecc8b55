// The server with SANDBOX_DRIVER=swarm against a real three-engine swarm made on this machine,
// over mutual TLS to the manager and every node: sessions opened through the API become
// services that Swarm spreads over the nodes; the shell, a check (from the checker on the
// sandbox's node), the layers, the files, the instructor's watch and the web preview reach each
// sandbox through its node's engine, one student's preview never waiting on another's; pulls
// come from the course registry's mirror on the node; each overlay leads nowhere but to the
// node's proxy, which lets only the allowed hosts by; every chain of TP steps passes there; the
// platform deployed as a stack serves a student and removes its sandboxes as it goes; a killed
// server finds its sandboxes again (and its remade mirrors join them); a deleted session leaves
// nothing on the manager or the nodes; a paused node takes no new sandbox and keeps its own; a
// lost node ends only its own sessions, in French.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import Docker from 'dockerode';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionCreated } from '../../shared/contract.ts';
import { sandboxName } from '../../server/sandbox/container-spec.ts';
import {
  api,
  createSession,
  leftovers,
  startServer,
  TerminalClient,
  waitUntil,
  WatchClient,
  type Member,
  type RunningServer,
} from './harness.ts';
import { echoThrough, startPreviewApps } from './preview-apps.ts';
import { allChains, runChain, slots } from './lab-steps-suite.ts';
import { enginePort, execInSandbox, startSwarm, type SwarmCluster } from './swarm-cluster.ts';
import { deployStack } from './swarm-stack.ts';

let cluster: SwarmCluster;
let server: RunningServer;
let env: Record<string, string>;
const instance = `${process.env.TEST_INSTANCE_ID ?? 'tests'}-swarm`;
const instructorPassword = 'essaim-formateur-1234';

interface Task {
  ServiceID: string;
  NodeID?: string;
  Spec?: { ContainerSpec?: { Labels?: Record<string, string> } };
  Status: { State: string };
}

beforeAll(async () => {
  cluster = await startSwarm(3, '10.217.0');
  env = {
    SANDBOX_DRIVER: 'swarm',
    // The manager and every node's engine over mutual TLS, with the test's certificates.
    ...cluster.serverEnv(),
    // The nodes are containers on a bridge of 1500 bytes: VXLAN's 50 come out of it, and a margin.
    SWARM_OVERLAY_MTU: '1350',
    INSTANCE_ID: instance,
    INSTRUCTOR_PASSWORD: instructorPassword,
    // A lost node is noticed at the reaper's next pass.
    REAPER_INTERVAL: '3',
  };
  server = await startServer(env);
  // The nodes are prepared before the server listens (images, the registry's mirror): say why
  // if they were not.
  const ready = await api(server, 'GET', '/api/ready');
  if (ready.status !== 200)
    throw new Error(`server not ready: ${JSON.stringify(ready.body)}\n${server.output().slice(-3000)}`);
}, 900_000);

afterAll(async () => {
  // The server's log, for a failure's why (CI keeps test-results/).
  if (server) {
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/swarm-driver-server.log', server.output());
  }
  await server?.stop();
  await cluster?.stop();
  expect(await leftovers()).toEqual([]);
});

/** Where the manager placed each session's task (node ids). */
async function placements(): Promise<Map<string, string>> {
  const tasks = (await cluster.manager.listTasks({ filters: { 'desired-state': ['running'] } })) as Task[];
  const services = (await cluster.manager.listServices()) as { ID: string; Spec: { Name: string } }[];
  const byService = new Map(services.map((s) => [s.ID, s.Spec.Name]));
  const placed = new Map<string, string>();
  for (const task of tasks) {
    const name = byService.get(task.ServiceID);
    if (name && task.NodeID && task.Status.State === 'running') placed.set(name, task.NodeID);
  }
  return placed;
}

/** Everything labelled for a session on the manager and on every node. */
async function clusterLeftovers(sessionId: string): Promise<string[]> {
  const label = [`cours-docker.session=${sessionId}`];
  const found: string[] = [];
  const services = (await cluster.manager.listServices({ filters: { label } })) as { Spec: { Name: string } }[];
  found.push(...services.map((s) => `service ${s.Spec.Name}`));
  for (const node of cluster.nodes) {
    const containers = await node.engine.listContainers({ all: true, filters: { label } });
    const { Volumes: volumes } = await node.engine.listVolumes({ filters: { label } });
    found.push(...containers.map((c) => `${node.name}: container ${c.Names[0] ?? c.Id}`));
    found.push(...(volumes ?? []).map((v) => `${node.name}: volume ${v.Name}`));
  }
  const networks = await cluster.manager.listNetworks({ filters: { label } });
  found.push(...networks.map((n) => `network ${n.Name}`));
  return found;
}

const sessions: SessionCreated[] = [];

describe('the Swarm driver, through the server', () => {
  it('spreads sandboxes over the nodes and reaches each shell through its node', { timeout: 600_000 }, async () => {
    for (let i = 0; i < 3; i++) sessions.push(await createSession(server));
    for (const session of sessions) expect(session.state).toBe('ready');
    const placed = await placements();
    const nodes = sessions.map((s) => placed.get(sandboxName(s.id)));
    expect(nodes.every(Boolean)).toBe(true);
    expect(new Set(nodes).size).toBeGreaterThanOrEqual(2);
    for (const session of sessions) {
      const terminal = new TerminalClient(server, session.id);
      await terminal.open(session.token);
      const out = await terminal.run(
        "docker version --format 'moteur={{.Server.Version}}'; grep -o '\"mtu\": [0-9]*' /etc/docker/daemon.json",
      );
      expect(out).toMatch(/moteur=26\./);
      expect(out).toContain('"mtu": 1350');
      terminal.close();
    }
    // The task's container, on its node, has the Docker driver's security.
    const ids = await nodeIds();
    const first = sessions[0]!;
    const node = cluster.nodes.find((n) => ids.get(n.name) === placed.get(sandboxName(first.id)))!;
    const [task] = await node.engine.listContainers({
      filters: { label: [`cours-docker.session=${first.id}`, 'cours-docker.role=sandbox'] },
    });
    const inspect = await node.engine.getContainer(task!.Id).inspect();
    expect(inspect.HostConfig.CapAdd).toContain('SYS_ADMIN');
    expect(inspect.HostConfig.CapAdd).not.toContain('SYS_MODULE');
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspect.HostConfig.Memory).toBeGreaterThan(0);
    // Three levels deep: a container on a network of its own, inside a sandbox on a node.
    const terminal = new TerminalClient(server, first.id);
    await terminal.open(first.token);
    const deep = await terminal.run(
      'files="usr/bin/bash $(ldd /usr/bin/bash | grep -o "/[^ ]*" | sed "s#^/##")"; tar -C / -ch $files 2>/dev/null | docker import - mini >/dev/null && docker network create essai >/dev/null && docker run --rm --network essai --memory 64m mini /usr/bin/bash -c "echo trois-niveaux"',
      120_000,
    );
    expect(deep).toContain('trois-niveaux');
    terminal.close();
  });

  it('keeps each sandbox on an overlay that leads nowhere: not to the nodes’ engines, not outside', async () => {
    const session = sessions[0]!;
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    const out = await terminal.run(
      // A bare TCP connection, not an HTTP request: TLS would refuse one, reachable or not.
      `for a in ${cluster.nodes.map((n) => n.address).join(' ')}; do timeout 3 bash -c "</dev/tcp/$a/${enginePort}" 2>/dev/null && echo "joint $a" || echo "fermé $a"; done; echo "routes=$(ip route | grep -c default)"; curl -s -m 3 --unix-socket /var/run/docker.sock http://moteur/version >/dev/null && echo "propre moteur joint"`,
      60_000,
    );
    // The control: the same curl reaches the sandbox's own engine.
    expect(out).toContain('propre moteur joint');
    for (const node of cluster.nodes) expect(out).toContain(`fermé ${node.address}`);
    expect(out).not.toContain('joint 10.');
    expect(out).toContain('routes=0');
    terminal.close();
  });

  it('pulls from the course registry’s mirror on the node, checks the step from the checker there, shows its layers', async () => {
    const opened = await createSession(server, 'tp-images');
    sessions.push(opened);
    const check = () =>
      api(server, 'POST', `/api/sessions/${opened.id}/steps/pull-debian/check`, { token: opened.token });
    const before = await check();
    expect(before.status).toBe(200);
    // Nothing pulled: red, judged by the checker through the verified engine socket.
    expect(before.body).toMatchObject({ passed: false });
    const terminal = new TerminalClient(server, opened.id);
    await terminal.open(opened.token);
    // No internet on the overlay: the image comes from the node's read-only mirror.
    expect(await terminal.run('docker pull -q debian:bookworm', 180_000)).toContain('debian:bookworm');
    terminal.close();
    expect((await check()).body).toMatchObject({ passed: true });
    // The layer explorer reads the image out of the sandbox through its node too.
    const layers = await api(server, 'GET', `/api/sessions/${opened.id}/images/debian%3Abookworm/layers`, {
      token: opened.token,
    });
    expect(layers.status).toBe(200);
    expect((layers.body as unknown as { layers: unknown[] }).layers.length).toBeGreaterThanOrEqual(1);
    const checkers = await Promise.all(
      cluster.nodes.map((n) =>
        n.engine.listContainers({
          filters: { label: [`cours-docker.session=${opened.id}`, 'cours-docker.role=checker'] },
        }),
      ),
    );
    expect(checkers.flat()).toHaveLength(1);
  });

  it('writes and reads the student’s files through the node', async () => {
    const session = sessions[2]!;
    const url = `${server.base}/api/sessions/${session.id}/files/root/essai.txt`;
    const headers = { authorization: `Bearer ${session.token}` };
    const put = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: 'bonjour du cluster\n',
    });
    expect(put.status).toBe(200);
    const back = await fetch(url, { headers });
    expect(await back.text()).toBe('bonjour du cluster\n');
  });

  it('lets the instructor watch a class student’s terminal on its node', async () => {
    const login = await api(server, 'POST', '/api/instructor/login', { body: { password: instructorPassword } });
    expect(login.status).toBe(200);
    const token = String(login.body.token);
    const created = await api(server, 'POST', '/api/classes', {
      token,
      body: { title: 'Essaim — groupe B', labs: ['tp-images'], seats: 1 },
    });
    expect(created.status).toBe(201);
    const joined = (
      await api(server, 'POST', '/api/classes/join', { body: { code: created.body.code, name: 'Dana Rossi' } })
    ).body as unknown as Member;
    const session = await createSession(server, 'tp-images', joined);
    const watch = new WatchClient(server, session.id);
    await watch.open(token);
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    await terminal.run('echo regarde-moi-$((6*7))');
    await waitUntil(
      () => Promise.resolve(watch.text.includes('regarde-moi-42')),
      30_000,
      'the student’s output watched',
    );
    watch.close();
    terminal.close();
    expect((await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token })).status).toBe(204);
  });

  it(
    'serves the web preview through the sandbox’s node: pages, bytes exact, many at once, WebSockets',
    {
      timeout: 300_000,
    },
    async () => {
      const session = sessions[2]!;
      const terminal = await startPreviewApps(server, session);
      const headers = { authorization: `Bearer ${session.token}` };
      // Bytes that a text path would damage, served by Apache in the student's container.
      const bytes = randomBytes(3 * 1024 * 1024);
      const put = await fetch(`${server.base}/api/sessions/${session.id}/files/root/gros.bin`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      expect(put.status).toBe(200);
      expect(
        await terminal.run('docker cp /root/gros.bin web:/usr/local/apache2/htdocs/gros.bin && echo CO""PIE', 60_000),
      ).toContain('COPIE');
      terminal.close();
      const ports = async () =>
        (
          (await api(server, 'GET', `/api/sessions/${session.id}/ports`, { token: session.token })).body as unknown as {
            port: number;
          }[]
        ).map((p) => p.port);
      await waitUntil(
        async () => (await ports()).includes(8080) && (await ports()).includes(9000),
        60_000,
        'ports listed',
      );
      const page = await fetch(`${server.base}/preview/${session.id}/8080/`, { headers });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const big = await fetch(`${server.base}/preview/${session.id}/8080/gros.bin`, { headers });
      expect(big.status).toBe(200);
      expect(
        createHash('sha256')
          .update(Buffer.from(await big.arrayBuffer()))
          .digest('hex'),
      ).toBe(createHash('sha256').update(bytes).digest('hex'));
      // More at once than the session's connections through its engine: the rest wait their turn.
      const many = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${server.base}/preview/${session.id}/8080/`, { headers })),
      );
      expect(many.map((r) => r.status)).toEqual(many.map(() => 200));
      await Promise.all(many.map((r) => r.arrayBuffer()));
      const reply = await echoThrough(
        `ws://127.0.0.1:${server.port}/preview/${session.id}/9000/echo`,
        headers,
        'salut',
      );
      expect(reply).toBe('echo:salut');
      // Another session's token does not open it.
      const other = sessions[0]!;
      const foreign = await fetch(`${server.base}/preview/${session.id}/8080/`, {
        headers: { authorization: `Bearer ${other.token}` },
      });
      expect(foreign.status).toBe(403);
    },
  );

  it('serves one student’s preview while another holds all of their own connections through the engine', async () => {
    const flooder = sessions[2]!;
    const other = sessions[1]!;
    (await startPreviewApps(server, other)).close();
    const mine = { authorization: `Bearer ${flooder.token}` };
    // Eight WebSockets (the echo server answers one at a time: the rest hang, holding their
    // connection through the engine), then four pages that must wait for a free one.
    const held = Array.from(
      { length: 8 },
      () => new WebSocket(`ws://127.0.0.1:${server.port}/preview/${flooder.id}/9000/echo`, { headers: mine }),
    );
    for (const ws of held) ws.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 2000));
    let settled = 0;
    const waiting = Array.from({ length: 4 }, () =>
      fetch(`${server.base}/preview/${flooder.id}/8080/`, { headers: mine }).then((r) => {
        settled++;
        return r.status;
      }),
    );
    const page = await fetch(`${server.base}/preview/${other.id}/8080/`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    // The other student was served while the flooder's own pages still waited their turn.
    expect(settled).toBe(0);
    for (const ws of held) ws.terminate();
    // Freed, the flooder's pages are served (or refused in French past their wait, never a 500).
    for (const status of await Promise.all(waiting)) expect([200, 429, 503]).toContain(status);
  });

  it('lets a sandbox out only through its node’s proxy, to the allowed hosts, builds and containers included', async () => {
    const session = sessions[1]!;
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    const node = cluster.nodes[0]!.address;
    const out = await terminal.run(
      [
        `p=$(jq -r .proxies.default.httpProxy /root/.docker/config.json)`,
        // The control: Debian's archive, allowed; then a host not allowed, and a node's engine.
        `for u in http://deb.debian.org/debian/dists/bookworm/Release http://example.com/ http://${node}:${enginePort}/version; do echo "$u $(curl -s -o /dev/null -m 20 -w '%{http_code}' -x $p $u)"; done`,
        `docker run --rm debian:bookworm sh -c 'echo "conteneur $HTTP_PROXY"'`,
      ].join('; '),
      180_000,
    );
    expect(out).toContain('http://deb.debian.org/debian/dists/bookworm/Release 200');
    expect(out).toContain('http://example.com/ 403');
    expect(out).toContain(`http://${node}:${enginePort}/version 403`);
    expect(out).toMatch(/conteneur http:\/\/10\.[\d.]+:3128/);
    terminal.close();
  });

  // Every chain of every TP's steps, a few at once: the TP's set-up, each step red before its
  // solve and green after, on the nodes; Debian's archive reached in builds and containers
  // through the node's proxy, the base images from the node's mirror.
  const chainSlot = slots(4);
  it.concurrent.for(allChains())('runs TP $lab.id: $name on the swarm', { timeout: 1_800_000 }, (chain, { expect }) =>
    chainSlot(() =>
      runChain(server, chain, (sessionId, script) => execInSandbox(cluster, sessionId, script), {
        variants: false,
        expect,
      }),
    ),
  );

  it(
    'runs as a stack: `docker stack deploy` puts the server on the manager, its students’ sandboxes on the nodes',
    {
      timeout: 900_000,
    },
    async () => {
      const stack = await deployStack(cluster, {
        INSTRUCTOR_PASSWORD: 'pile-essai-1234',
        SWARM_OVERLAY_MTU: '1350',
      });
      const deployed = { base: stack.base, port: stack.port } as RunningServer;
      try {
        await waitUntil(
          async () => (await fetch(`${stack.base}/api/ready`).catch(() => undefined))?.status === 200,
          600_000,
          'the stack’s server ready',
        );
        const opened = await createSession(deployed, 'tp-images');
        const terminal = new TerminalClient(deployed, opened.id);
        await terminal.open(opened.token);
        expect(await terminal.run('docker pull -q debian:bookworm', 180_000)).toContain('debian:bookworm');
        terminal.close();
        const check = await api(deployed, 'POST', `/api/sessions/${opened.id}/steps/pull-debian/check`, {
          token: opened.token,
        });
        expect(check.body).toMatchObject({ passed: true });
        // Its sandboxes (its warm pool and this student's) are services of its own instance, spread.
        const mine = (await cluster.manager.listServices({
          filters: { label: ['cours-docker.role=sandbox'] },
        })) as { ID: string; Spec: { Labels?: Record<string, string> } }[];
        const its = mine.filter((s) => s.Spec.Labels?.['cours-docker.instance'] !== instance).map((s) => s.ID);
        expect(its.length).toBeGreaterThanOrEqual(3);
        const tasks = (await cluster.manager.listTasks({ filters: { 'desired-state': ['running'] } })) as Task[];
        const nodes = new Set(tasks.filter((t) => its.includes(t.ServiceID)).map((t) => t.NodeID));
        expect(nodes.size).toBeGreaterThanOrEqual(2);
      } finally {
        await stack.remove();
      }
      // Its server removed its sandboxes as it stopped: none of another instance is left.
      const left = (await cluster.manager.listServices({ filters: { label: ['cours-docker.role=sandbox'] } })) as {
        Spec: { Labels?: Record<string, string> };
      }[];
      expect(left.filter((s) => s.Spec.Labels?.['cours-docker.instance'] !== instance)).toEqual([]);
    },
  );

  it(
    'finds its sandboxes again after being killed, shells and all, and its remade mirrors join them again',
    { timeout: 300_000 },
    async () => {
      await server.stop('SIGKILL');
      // Another list of allowed hosts: every node's mirror is made again as the server starts,
      // on no overlay; it must join the running sandboxes' again, under a new proxy address.
      server = await startServer({ ...env, SWARM_EGRESS_HOSTS: 'deb.debian.org,security.debian.org' }, server.dataDir);
      for (const session of sessions) {
        const seen = await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token });
        expect(seen.body).toMatchObject({ state: 'ready' });
      }
      const session = sessions[1]!;
      const terminal = new TerminalClient(server, session.id);
      await terminal.open(session.token);
      expect(await terminal.run('echo toujours-la')).toContain('toujours-la');
      const out = await terminal.run(
        [
          'docker pull -q hello-world',
          `p=$(jq -r .proxies.default.httpProxy /root/.docker/config.json)`,
          `for u in http://deb.debian.org/debian/dists/bookworm/Release http://security.debian.org/; do echo "$u $(curl -s -o /dev/null -m 20 -w '%{http_code}' -x $p $u)"; done`,
        ].join('; '),
        180_000,
      );
      expect(out).toContain('hello-world');
      // The new mirror's proxy, with the new list (the second host allowed now, reachable or not).
      expect(out).toContain('http://deb.debian.org/debian/dists/bookworm/Release 200');
      expect(out).toMatch(/security\.debian\.org\/ (?!403)\d{3}/);
      terminal.close();
    },
  );

  it('leaves nothing on the manager or the nodes once a session is deleted', { timeout: 300_000 }, async () => {
    for (const session of sessions) {
      const res = await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token });
      expect(res.status).toBe(204);
    }
    for (const session of sessions) {
      await waitUntil(
        async () => (await clusterLeftovers(session.id)).length === 0,
        120_000,
        `nothing left of ${session.id}: ${(await clusterLeftovers(session.id)).join(', ')}`,
      );
    }
  });

  it('sends no new sandbox to a paused node, and lets those running there go on', { timeout: 600_000 }, async () => {
    const opened: SessionCreated[] = [];
    for (let i = 0; i < 3; i++) opened.push(await createSession(server));
    const ids = await nodeIds();
    const paused = ids.get(cluster.nodes[1]!.name)!;
    const before = await placements();
    const there = opened.find((s) => before.get(sandboxName(s.id)) === paused);
    expect(there, 'a sandbox on the second node').toBeDefined();
    await setAvailability(paused, 'pause');
    try {
      const more: SessionCreated[] = [];
      for (let i = 0; i < 2; i++) more.push(await createSession(server));
      const after = await placements();
      for (const session of more) expect(after.get(sandboxName(session.id))).not.toBe(paused);
      const terminal = new TerminalClient(server, there!.id);
      await terminal.open(there!.token);
      expect(await terminal.run('echo encore-la')).toContain('encore-la');
      terminal.close();
      opened.push(...more);
    } finally {
      await setAvailability(paused, 'active');
    }
    sessions.splice(0, sessions.length, ...opened);
  });

  it('ends only the sessions of a node that is lost, with a French message', { timeout: 600_000 }, async () => {
    const ids = await nodeIds();
    const lostNode = cluster.nodes[2]!;
    const placed = await placements();
    const onLost = sessions.filter((s) => placed.get(sandboxName(s.id)) === ids.get(lostNode.name));
    const elsewhere = sessions.filter((s) => !onLost.includes(s));
    expect(onLost.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeGreaterThan(0);
    const shells = await Promise.all(
      onLost.map(async (session) => {
        const terminal = new TerminalClient(server, session.id);
        await terminal.open(session.token);
        return terminal;
      }),
    );
    await new Docker().getContainer(lostNode.name).kill();
    for (const shell of shells) {
      // The session ends once the manager sees the node down: the shell reads why, in French
      // (before that, a reconnection may read that the node does not answer).
      await shell.waitFor(
        () => shell.messages.some((m) => m.type === 'error' && m.message.includes("Le bac à sable s'est arrêté")),
        180_000,
        'the session ended',
      );
      const errors = shell.messages.filter((m) => m.type === 'error').map((m) => (m as { message: string }).message);
      for (const message of errors) expect(message).not.toMatch(/Erreur interne/);
      shell.close();
    }
    // The reaper ends them, which frees their seats.
    for (const session of onLost) {
      await waitUntil(
        async () => (await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token })).status === 404,
        120_000,
        `session ${session.id} ended`,
      );
    }
    for (const session of elsewhere) {
      const terminal = new TerminalClient(server, session.id);
      await terminal.open(session.token);
      expect(await terminal.run('echo intact')).toContain('intact');
      terminal.close();
    }
  });
});

/** Each test node's swarm id, by container name. */
async function nodeIds(): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const node of cluster.nodes) {
    const info = (await node.engine.info()) as { Swarm?: { NodeID?: string } };
    if (info.Swarm?.NodeID) ids.set(node.name, info.Swarm.NodeID);
  }
  return ids;
}

async function setAvailability(id: string, availability: 'active' | 'pause' | 'drain'): Promise<void> {
  const node = (await cluster.manager.getNode(id).inspect()) as { Version: { Index: number }; Spec: object };
  await cluster.manager.getNode(id).update({ version: node.Version.Index, ...node.Spec, Availability: availability });
}

// The server with SANDBOX_DRIVER=swarm against a real three-engine swarm made on this machine:
// sessions opened through the API become services that Swarm spreads over the nodes; the shell,
// a check (from the checker on the sandbox's node) and the files reach each sandbox through its
// node's engine; each overlay leads nowhere else; a killed server finds its sandboxes again;
// a deleted session leaves nothing on the manager or the nodes.
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
  type RunningServer,
} from './harness.ts';
import { startSwarm, type SwarmCluster } from './swarm-cluster.ts';

let cluster: SwarmCluster;
let server: RunningServer;
let env: Record<string, string>;
const instance = `${process.env.TEST_INSTANCE_ID ?? 'tests'}-swarm`;

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
    DOCKER_HOST: `tcp://${cluster.nodes[0]!.address}:2375`,
    SWARM_NODE_PORT: '2375',
    // The nodes are containers on a bridge of 1500 bytes: VXLAN's 50 come out of it, and a margin.
    SWARM_OVERLAY_MTU: '1350',
    INSTANCE_ID: instance,
  };
  server = await startServer(env);
}, 900_000);

afterAll(async () => {
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
  });

  it('keeps each sandbox on an overlay that leads nowhere: not to the nodes’ engines, not outside', async () => {
    const session = sessions[0]!;
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    const out = await terminal.run(
      `for a in ${cluster.nodes.map((n) => n.address).join(' ')}; do curl -s -m 3 http://$a:2375/version >/dev/null && echo "joint $a" || echo "fermé $a"; done; echo "routes=$(ip route | grep -c default)"; curl -s -m 3 --unix-socket /var/run/docker.sock http://moteur/version >/dev/null && echo "propre moteur joint"`,
      60_000,
    );
    // The control: the same curl reaches the sandbox's own engine.
    expect(out).toContain('propre moteur joint');
    for (const node of cluster.nodes) expect(out).toContain(`fermé ${node.address}`);
    expect(out).not.toContain('joint 10.');
    expect(out).toContain('routes=0');
    terminal.close();
  });

  it('runs a check from the checker beside the sandbox, on its node', async () => {
    const opened = await createSession(server, 'tp-images');
    sessions.push(opened);
    const verdict = await api(server, 'POST', `/api/sessions/${opened.id}/steps/pull-debian/check`, {
      token: opened.token,
    });
    expect(verdict.status).toBe(200);
    // Nothing pulled: red, judged by the checker through the verified engine socket.
    expect(verdict.body).toMatchObject({ passed: false });
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

  it('finds its sandboxes again after being killed, shells and all', { timeout: 300_000 }, async () => {
    await server.stop('SIGKILL');
    server = await startServer(env, server.dataDir);
    const session = sessions[0]!;
    const seen = await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token });
    expect(seen.body).toMatchObject({ state: 'ready' });
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    expect(await terminal.run('echo toujours-la')).toContain('toujours-la');
    terminal.close();
  });

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
});

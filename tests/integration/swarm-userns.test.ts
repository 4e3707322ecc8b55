// The userns isolation mode on a swarm whose nodes remap users (dockerd --userns-remap on each,
// as a school's nodes for a public deployment): a sandbox's root is an ordinary user of its node,
// its inner engine runs rootless on storage given to that user, pulls from the node's mirror and
// runs containers, and its step's check passes from the checker; SANDBOX_ISOLATION=none, which a
// service cannot give on such nodes, is refused in French instead of pretended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';
import { startSwarm, type SwarmCluster } from './swarm-cluster.ts';

let cluster: SwarmCluster;
let server: RunningServer | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  cluster = await startSwarm(2, '10.219.0', { remapUsers: true });
  env = {
    SANDBOX_DRIVER: 'swarm',
    ...cluster.serverEnv(),
    SWARM_OVERLAY_MTU: '1350',
    INSTANCE_ID: `${process.env.TEST_INSTANCE_ID ?? 'tests'}-swarm-userns`,
  };
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
  expect(await leftovers()).toEqual([]);
});

describe('the Swarm driver on nodes that remap users', () => {
  it('runs the sandbox’s root as an ordinary user of its node, its engine rootless, the TP’s work and check there', async () => {
    server = await startServer({ ...env, SANDBOX_ISOLATION: 'userns' });
    const session = await createSession(server, 'tp-images');
    expect(session.state).toBe('ready');
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    const out = await terminal.run(
      "awk 'NR == 1 { print \"racine=\" $2 }' /proc/self/uid_map; docker info --format '{{.SecurityOptions}}'; docker pull -q debian:bookworm && docker run --rm debian:bookworm echo dans-un-conteneur",
      180_000,
    );
    // Root in the sandbox is uid 100000 and up on its node, and the inner engine knows it.
    expect(out).toMatch(/racine=[1-9]\d{4,}/);
    expect(out).toContain('name=rootless');
    expect(out).toContain('dans-un-conteneur');
    terminal.close();
    const check = await api(server, 'POST', `/api/sessions/${session.id}/steps/pull-debian/check`, {
      token: session.token,
    });
    expect(check.body).toMatchObject({ passed: true });
    // Seen from its node: the sandbox's processes are not root there.
    for (const node of cluster.nodes) {
      const [task] = await node.engine.listContainers({
        filters: { label: [`cours-docker.session=${session.id}`, 'cours-docker.role=sandbox'] },
      });
      if (!task) continue;
      const top = (await node.engine.getContainer(task.Id).top({ ps_args: '-o pid,uid,comm' })) as {
        Titles: string[];
        Processes: string[][];
      };
      const column = top.Titles.indexOf('UID');
      const uids = top.Processes.map((p) => Number(p[column]));
      expect(uids.length).toBeGreaterThan(0);
      expect(uids.every((uid) => uid >= 100000)).toBe(true);
    }
    expect((await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token })).status).toBe(204);
  });

  it('refuses SANDBOX_ISOLATION=none there, in French, rather than run remapped sandboxes under that name', async () => {
    await server?.stop();
    server = await startServer({ ...env, SANDBOX_ISOLATION: 'none' });
    const ready = await api(server, 'GET', '/api/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain('SANDBOX_ISOLATION=none demande des bacs à sable sans remappage');
    const refused = await api(server, 'POST', '/api/sessions', { body: { lab: 'bac-a-sable' } });
    expect(refused.status).toBe(503);
    expect(JSON.stringify(refused.body)).toContain('ne permet pas d’en sortir service par service');
  });
});

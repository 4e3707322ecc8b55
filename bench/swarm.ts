// `npm run bench -- --only=swarm`: the Swarm driver on a three-node swarm made on this machine,
// beside one host in the same run: start to first prompt (p50, p95), 20 sessions at once and
// where they landed, keystroke echo and throughput through the cluster path beside their floor
// (`docker exec -it` into the same sandbox, on its node's engine). The nodes share this
// machine's cores: the figures show what the cluster path costs, not what more machines give.
import Docker from 'dockerode';
import { api, startServer, type RunningServer } from '../tests/integration/harness.ts';
import { startSwarm } from '../tests/integration/swarm-cluster.ts';
import { echoSideBySide, floorThroughput, platformThroughput } from './floor.ts';
import { ms, percentile, report } from './figures.ts';
import { timeToPrompt } from './prompt.ts';

const many = { POOL_SIZE: '0', MAX_SESSIONS: '25', SESSIONS_PER_CLIENT: '25', SESSIONS_PER_CLIENT_PER_MINUTE: '100' };

/** Cold starts one after the other, each deleted before the next. */
async function coldStarts(server: RunningServer, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = await timeToPrompt(server);
    times.push(r.ms);
    r.terminal.close();
    await api(server, 'DELETE', `/api/sessions/${r.id}`, { token: r.token });
  }
  return times;
}

/** Twenty sessions opened at once: seconds until every prompt, and the sessions. */
async function twenty(server: RunningServer): Promise<{ seconds: number; ready: { id: string; token: string }[] }> {
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => timeToPrompt(server)));
  const seconds = (performance.now() - started) / 1000;
  const ready = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  for (const r of ready) r.terminal.close();
  return { seconds, ready };
}

async function deleteAll(server: RunningServer, sessions: { id: string; token: string }[]): Promise<void> {
  await Promise.all(sessions.map((s) => api(server, 'DELETE', `/api/sessions/${s.id}`, { token: s.token })));
}

export async function swarmBench(quick: boolean): Promise<void> {
  process.stdout.write('\n[12] essaim Docker de 3 nœuds sur cette machine, à côté d’un seul hôte\n');
  const rounds = quick ? 3 : 7;
  // One host first, in the same run, with the same settings.
  const host = await startServer(many);
  const hostCold = await coldStarts(host, rounds);
  const hostTwenty = await twenty(host);
  await deleteAll(host, hostTwenty.ready);
  await host.stop();

  let started = performance.now();
  const cluster = await startSwarm(3, '10.218.0');
  const clusterSeconds = (performance.now() - started) / 1000;
  try {
    started = performance.now();
    const server = await startServer({
      ...many,
      SANDBOX_DRIVER: 'swarm',
      ...cluster.serverEnv(),
      SWARM_OVERLAY_MTU: '1350',
    });
    const prepared = (performance.now() - started) / 1000;
    report(
      'essaim : 3 nœuds prêts, puis préparés par le serveur (images, miroir du registre)',
      `${clusterSeconds.toFixed(0)} s, puis ${prepared.toFixed(0)} s`,
    );
    const cold = await coldStarts(server, rounds);
    report(
      'essaim : démarrage à froid p50 / p95',
      `${ms(percentile(cold, 50))} / ${ms(percentile(cold, 95))} (un seul hôte : ${ms(percentile(hostCold, 50))} / ${ms(percentile(hostCold, 95))})`,
    );
    const all = await twenty(server);
    const tasks = (await cluster.manager.listTasks({ filters: { 'desired-state': ['running'] } })) as {
      NodeID?: string;
    }[];
    const perNode = new Map<string, number>();
    for (const t of tasks) if (t.NodeID) perNode.set(t.NodeID, (perNode.get(t.NodeID) ?? 0) + 1);
    report(
      'essaim : 20 sessions à la fois',
      `${all.ready.length} / 20 en ${all.seconds.toFixed(1)} s (un seul hôte : ${hostTwenty.ready.length} / 20 en ${hostTwenty.seconds.toFixed(1)} s)`,
    );
    report('essaim : bacs à sable par nœud', [...perNode.values()].sort((a, b) => b - a).join(' / '));
    await deleteAll(server, all.ready);

    const { terminal, id, token } = await timeToPrompt(server);
    await terminal.run('stty -echoctl; cd /root');
    const placed = await placement(cluster.manager, id);
    const node = cluster.nodes.find((n) => n.address === placed?.address);
    if (!node || !placed) throw new Error('the echo session’s node was not found');
    const engine = cluster.cli(node.address).join(' ');
    const { platform: samples, floor } = await echoSideBySide(terminal, placed.container, quick ? 100 : 400, engine);
    await terminal.run('head -c 15000000 /dev/urandom | base64 -w 100 > /root/gros.txt', 120_000);
    terminal.close();
    report(
      'essaim : écho d’une frappe p50 / p99',
      `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 99))} (plancher docker exec -it sur le nœud : ${ms(percentile(floor, 50))} / ${ms(percentile(floor, 99))})`,
    );
    const platform = await platformThroughput(server.base, id, token, 'cat /root/gros.txt');
    const base = await floorThroughput(placed.container, 'cat /root/gros.txt', engine);
    const rate = platform.bytes / 1e6 / platform.seconds;
    const best = base.bytes / 1e6 / base.seconds;
    report(
      `essaim : débit du terminal (${(platform.bytes / 1e6).toFixed(0)} Mo)`,
      `${rate.toFixed(1)} Mo/s = ${(rate / best).toFixed(2)}× le plancher (${best.toFixed(1)} Mo/s)`,
    );
    await api(server, 'DELETE', `/api/sessions/${id}`, { token });
    await server.stop();
  } finally {
    await cluster.stop();
  }
}

/** The node address and task container of a session's sandbox. */
async function placement(
  manager: Docker,
  sessionId: string,
): Promise<{ address: string; container: string } | undefined> {
  const tasks = (await manager.listTasks({
    filters: { service: [`cours-docker-sb-${sessionId}`], 'desired-state': ['running'] },
  })) as { NodeID?: string; Status: { ContainerStatus?: { ContainerID?: string } } }[];
  const task = tasks[0];
  if (!task?.NodeID || !task.Status.ContainerStatus?.ContainerID) return undefined;
  const node = (await manager.getNode(task.NodeID).inspect()) as { Status: { Addr: string } };
  return { address: node.Status.Addr, container: task.Status.ContainerStatus.ContainerID };
}

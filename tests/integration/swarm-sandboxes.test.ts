// Sandboxes as Swarm services on a real three-engine swarm made on this machine: created from
// sandboxService() (the Docker driver's security), spread by Swarm over the nodes, each with its
// own overlay network; each sandbox's inner engine (dockerd 26, three levels deep) boots and runs
// a container on a network of its own; everything goes with the services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { sandboxName } from '../../server/sandbox/container-spec.ts';
import { sandboxService } from '../../server/sandbox/swarm/service-spec.ts';
import { containerSettings } from '../unit/fixtures/driver-settings.ts';
import { startSwarm, type SwarmCluster } from './swarm-cluster.ts';

let cluster: SwarmCluster;
const sessions = ['swarm0', 'swarm1', 'swarm2', 'swarm3'];
const settings = {
  ...containerSettings,
  registryContainer: '',
  dns: [],
  instance: 'swarm-test',
  memoryBytes: 512 * 1024 ** 2,
};

beforeAll(async () => {
  cluster = await startSwarm(3);
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
});

interface Task {
  ServiceID: string;
  NodeID?: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

describe('sandboxes on a three-node swarm', () => {
  it(
    'spreads them over the nodes, each on its own overlay network, each inner engine ready',
    { timeout: 600_000 },
    async () => {
      const { manager } = cluster;
      for (const id of sessions) {
        await manager.createNetwork({
          Name: sandboxName(id),
          Driver: 'overlay',
          Attachable: false,
          // VXLAN's 50 bytes come out of the host's MTU.
          Options: { 'com.docker.network.driver.mtu': '1350' },
          Labels: { 'cours-docker.session': id },
        });
        await manager.createService(
          sandboxService(
            settings,
            { sessionId: id, expiresAt: new Date(Date.now() + 3600_000), pooled: false },
            sandboxName(id),
            'x'.repeat(64),
          ),
        );
      }
      let tasks: Task[];
      const deadline = Date.now() + 300_000;
      for (;;) {
        tasks = (await manager.listTasks({ filters: { 'desired-state': ['running'] } })) as Task[];
        const failed = tasks.find((t) => ['failed', 'rejected'].includes(t.Status.State));
        if (failed) throw new Error(`task ${failed.Status.State}: ${failed.Status.Err ?? ''}`);
        if (tasks.length === sessions.length && tasks.every((t) => t.Status.State === 'running')) break;
        if (Date.now() > deadline) throw new Error(`tasks not running: ${JSON.stringify(tasks.map((t) => t.Status))}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const placed = new Set(tasks.map((t) => t.NodeID));
      expect(placed.size).toBeGreaterThanOrEqual(2);

      // Each sandbox, reached through its own node's engine (a manager cannot exec on another node).
      const nodeIds = (await manager.listNodes()) as { ID: string; Status: { Addr: string } }[];
      for (const task of tasks) {
        const address = nodeIds.find((n) => n.ID === task.NodeID)?.Status.Addr;
        const node = cluster.nodes.find((n) => n.address === address);
        expect(node, `node of task ${task.ServiceID}`).toBeDefined();
        const container = node!.engine.getContainer(task.Status.ContainerStatus?.ContainerID ?? '');
        await waitForLog(container, 'sandbox: ready', 180_000);
        const inspect = await container.inspect();
        expect(inspect.HostConfig.CapAdd).toContain('SYS_ADMIN');
        expect(inspect.HostConfig.CapAdd).not.toContain('SYS_MODULE');
        expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
        expect(inspect.HostConfig.Memory).toBe(settings.memoryBytes);
      }
      // Three levels deep: a container on a network of its own, inside the first sandbox.
      const first = tasks[0]!;
      const address = nodeIds.find((n) => n.ID === first.NodeID)?.Status.Addr;
      const engine = cluster.nodes.find((n) => n.address === address)!.engine;
      const out = await execText(
        engine.getContainer(first.Status.ContainerStatus?.ContainerID ?? ''),
        'files="usr/bin/bash $(ldd /usr/bin/bash | grep -o "/[^ ]*" | sed "s#^/##")"; tar -C / -ch $files 2>/dev/null | docker import - mini >/dev/null && docker network create essai >/dev/null && docker run --rm --network essai --memory 64m mini /usr/bin/bash -c "echo trois-niveaux"',
      );
      expect(out).toContain('trois-niveaux');

      for (const id of sessions) await manager.getService(sandboxName(id)).remove();
      await until(
        async () => ((await manager.listTasks({ filters: { 'desired-state': ['running'] } })) as Task[]).length === 0,
      );
      for (const id of sessions) await manager.getNetwork(sandboxName(id)).remove();
    },
  );
});

async function until(probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('not within the deadline');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitForLog(container: Docker.Container, line: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('utf8');
    if (logs.includes(line)) return;
    if (logs.includes('sandbox: dockerd exited') || Date.now() > deadline)
      throw new Error(`sandbox not ready:\n${logs.slice(-1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function execText(container: Docker.Container, script: string): Promise<string> {
  const exec = await container.exec({ Cmd: ['bash', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  return Buffer.concat(chunks).toString('latin1');
}

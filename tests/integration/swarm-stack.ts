// The platform deployed on the test swarm as the README says: the server's image (built from
// deploy/server/Dockerfile) loaded on the manager, the manager labelled for the server, and
// `docker stack deploy -c deploy/stack.yaml` there; the server then answers on the manager's
// own address. `remove()` takes the stack down and waits until its server's sandboxes are gone.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import type { SwarmCluster } from './swarm-cluster.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const serverImage = 'cours-docker/server:latest';
const stackName = 'cours-docker-essai';

export interface DeployedStack {
  base: string;
  port: number;
  remove(): Promise<void>;
}

/** The server's image on the host (built if missing, from the build cache), loaded on the manager. */
async function serverImageOnManager(manager: Docker): Promise<void> {
  await run('docker', ['build', '-q', '-f', 'deploy/server/Dockerfile', '-t', serverImage, '.'], {
    cwd: root,
    timeout: 900_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const host = new Docker();
  const wanted = ((await host.getImage(serverImage).inspect()) as { Id: string }).Id;
  const present = await manager
    .getImage(serverImage)
    .inspect()
    .then((i: { Id: string }) => i.Id)
    .catch(() => undefined);
  if (present === wanted) return;
  const archive = (await host.getImage(serverImage).get()) as Readable;
  const loading = (await manager.loadImage(archive)) as Readable;
  await new Promise<void>((resolve, reject) =>
    manager.modem.followProgress(loading, (error) => (error ? reject(error) : resolve())),
  );
}

/** `docker stack deploy` of deploy/stack.yaml on the cluster's manager, with `env` for its variables. */
export async function deployStack(cluster: SwarmCluster, env: Record<string, string>): Promise<DeployedStack> {
  const manager = cluster.nodes[0];
  if (!manager) throw new Error('test swarm: no manager');
  const engine = `tcp://${manager.address}:2375`;
  await serverImageOnManager(cluster.manager);
  const { stdout: id } = await run('docker', ['-H', engine, 'info', '--format', '{{.Swarm.NodeID}}']);
  await run('docker', ['-H', engine, 'node', 'update', '--label-add', 'cours-docker.server=true', id.trim()]);
  await run('docker', ['-H', engine, 'stack', 'deploy', '-c', 'deploy/stack.yaml', stackName], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  const port = 4321;
  return {
    base: `http://${manager.address}:${port}`,
    port,
    remove: async () => {
      await run('docker', ['-H', engine, 'stack', 'rm', stackName], { timeout: 120_000 });
      // Its server removes its sandboxes as it stops: wait until the stack's service is gone.
      const deadline = Date.now() + 180_000;
      for (;;) {
        const services = (await cluster.manager.listServices({
          filters: { label: [`com.docker.stack.namespace=${stackName}`] },
        })) as unknown[];
        if (services.length === 0) break;
        if (Date.now() > deadline) throw new Error('stack not removed within 180 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },
  };
}

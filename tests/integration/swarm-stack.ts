// The platform deployed on the test swarm as the README says: the server's image (built from
// deploy/server/Dockerfile) loaded on the manager, the manager labelled for the server, and
// `docker stack deploy -c deploy/stack.yaml -c deploy/stack-tls.yaml` there (the nodes' client
// certificate as secrets); the server then answers on the manager's
// own address. `remove()` takes the stack down and waits until its server has stopped.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildServerImage, loadServerImage } from './server-image.ts';
import type { SwarmCluster } from './swarm-cluster.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const stackName = 'cours-docker-essai';

export interface DeployedStack {
  base: string;
  port: number;
  remove(): Promise<void>;
}

/** `docker stack deploy` of deploy/stack.yaml on the cluster's manager, with `env` for its variables. */
export async function deployStack(cluster: SwarmCluster, env: Record<string, string>): Promise<DeployedStack> {
  const manager = cluster.nodes[0];
  if (!manager) throw new Error('test swarm: no manager');
  const engine = cluster.cli(manager.address);
  await buildServerImage();
  await loadServerImage(engine);
  const { stdout: id } = await run('docker', [...engine, 'info', '--format', '{{.Swarm.NodeID}}']);
  await run('docker', [...engine, 'node', 'update', '--label-add', 'cours-docker.server=true', id.trim()]);
  // The nodes' engines over mutual TLS: the client certificate handed over as secrets.
  const files = ['-c', 'deploy/stack.yaml', '-c', 'deploy/stack-tls.yaml'];
  await run('docker', [...engine, 'stack', 'deploy', ...files, stackName], {
    cwd: root,
    env: { ...process.env, SWARM_NODE_CERTS: cluster.tlsDir, ...env },
    timeout: 120_000,
  });
  const port = 4321;
  return {
    base: `http://${manager.address}:${port}`,
    port,
    remove: async () => {
      await run('docker', [...engine, 'stack', 'rm', stackName], { timeout: 120_000 });
      // The service goes at once, its container only once the server has stopped (it removes
      // its sandboxes first, within the stack's stop_grace_period): wait for the container.
      const deadline = Date.now() + 180_000;
      for (;;) {
        const running = (await cluster.manager.listContainers({
          filters: { label: [`com.docker.stack.namespace=${stackName}`] },
        })) as unknown[];
        if (running.length === 0) break;
        if (Date.now() > deadline) throw new Error('stack server still running 180 s after stack rm');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },
  };
}

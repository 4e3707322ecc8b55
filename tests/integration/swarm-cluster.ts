// A real Docker Swarm of several engines on this one machine, for the cluster tests: each node
// is a container of the sandbox image (Debian 13's dockerd 26, with the sandbox's capabilities
// and nothing more), on a private network of its own, its engine also answering there on TCP
// with mutual TLS, as the README asks of real nodes (a CA, a server and a client certificate
// made for the run with openssl).
// The first node is the manager; every node is labelled for sandboxes and given the sandbox
// image (no registry, no internet). As Moby's own tests run several daemons on one host.
import { execFile } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { sandboxCapabilities } from '../../server/sandbox/container-spec.ts';
import { sandboxNodeLabel } from '../../server/sandbox/swarm/service-spec.ts';

const run = promisify(execFile);
const host = new Docker();
const image = 'cours-docker/sandbox:latest';
/** Docker's port for TCP with TLS. */
export const enginePort = 2376;
/** Marks what the test cluster made on the host, so a crashed run's leftovers are found. */
export const clusterLabel = 'cours-docker.test-swarm';
/** Where the test's certificates are, for every run (removed with the cluster). */
const tlsDir = path.join(tmpdir(), 'cours-docker-test-swarm-tls');

export interface SwarmNode {
  name: string;
  address: string;
  engine: Docker;
}

export interface SwarmCluster {
  nodes: SwarmNode[];
  manager: Docker;
  /** A folder of ca.pem, cert.pem and key.pem: the client's certificate for every node's engine. */
  tlsDir: string;
  /** The server's settings to drive this swarm through its manager, over TLS. */
  serverEnv(): Record<string, string>;
  /** The Docker CLI's options to reach a node's engine (`docker <these> ps`). */
  cli(address: string): string[];
  stop(): Promise<void>;
}

/**
 * A CA, the nodes' server certificate (their addresses as names) and the client's, in `dir`:
 * ca.pem, cert.pem and key.pem are the client's, as Docker's CLI and the server read them.
 */
async function makeCertificates(dir: string, addresses: string[]): Promise<void> {
  const openssl = (args: string[]) => run('openssl', args, { cwd: dir });
  const key = (file: string) => openssl(['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', file]);
  await key('ca-key.pem');
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    'ca-key.pem',
    '-days',
    '2',
    '-subj',
    '/CN=cours-docker-test-ca',
    '-out',
    'ca.pem',
  ]);
  const sign = async (name: string, keyFile: string, certFile: string, extensions: string) => {
    await key(keyFile);
    await openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
    writeFileSync(path.join(dir, `${name}.ext`), extensions);
    await openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      certFile,
    ]);
  };
  const names = [...addresses, '127.0.0.1'].map((a) => `IP:${a}`).join(',');
  await sign('node', 'server-key.pem', 'server-cert.pem', `subjectAltName=${names}\nextendedKeyUsage=serverAuth\n`);
  await sign('client', 'key.pem', 'cert.pem', 'extendedKeyUsage=clientAuth\n');
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`test swarm: ${what} not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Removes the nodes, their network and their volumes, whatever run made them. */
export async function removeCluster(): Promise<void> {
  const filters = { label: [clusterLabel] };
  rmSync(tlsDir, { recursive: true, force: true });
  for (const c of await host.listContainers({ all: true, filters })) {
    await host
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => {});
  }
  for (const n of await host.listNetworks({ filters }))
    await host
      .getNetwork(n.Id)
      .remove()
      .catch(() => {});
  const { Volumes: volumes } = await host.listVolumes({ filters });
  for (const v of volumes ?? [])
    await host
      .getVolume(v.Name)
      .remove()
      .catch(() => {});
}

/**
 * Starts `count` engines (remapping users if asked), makes them one swarm, and loads the sandbox
 * image on each.
 */
export async function startSwarm(
  count = 3,
  subnet = '10.216.0',
  options: { remapUsers?: boolean } = {},
): Promise<SwarmCluster> {
  await removeCluster();
  const network = `cours-docker-test-swarm`;
  await host.createNetwork({
    Name: network,
    Driver: 'bridge',
    IPAM: { Config: [{ Subnet: `${subnet}.0/24`, Gateway: `${subnet}.1` }] },
    Labels: { [clusterLabel]: 'true' },
  });
  const addresses = Array.from({ length: count }, (_, i) => `${subnet}.${11 + i}`);
  mkdirSync(tlsDir, { recursive: true });
  await makeCertificates(tlsDir, addresses);
  const tls = {
    ca: readFileSync(path.join(tlsDir, 'ca.pem')),
    cert: readFileSync(path.join(tlsDir, 'cert.pem')),
    key: readFileSync(path.join(tlsDir, 'key.pem')),
  };
  const nodes: SwarmNode[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `cours-docker-test-node${i}`;
    const address = addresses[i - 1]!;
    await host.createVolume({ Name: `${name}-docker`, Labels: { [clusterLabel]: 'true' } });
    const container = await host.createContainer({
      name,
      Hostname: `node${i}`,
      Image: image,
      Labels: { [clusterLabel]: 'true' },
      Env: [
        `SANDBOX_ENGINE_TCP_PORT=${enginePort}`,
        'SANDBOX_ENGINE_TLS_DIR=/etc/cours-docker-tls',
        'DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1',
        ...(options.remapUsers ? ['SANDBOX_ENGINE_USERNS_REMAP=1'] : []),
      ],
      HostConfig: {
        CapDrop: ['ALL'],
        CapAdd: sandboxCapabilities,
        SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        Sysctls: { 'net.ipv4.ip_forward': '1' },
        CgroupnsMode: 'private',
        // A node's images and its sandboxes' volumes on the host's disk, not in memory.
        Binds: [`${name}-docker:/var/lib/docker`, `${tlsDir}:/etc/cours-docker-tls:ro`],
        Tmpfs: { '/run': 'rw,exec,size=256m', '/tmp': 'rw,exec,size=256m' },
        NetworkMode: network,
        // A node that remaps users mounts a fresh /proc in each user namespace it makes, which
        // the kernel refuses under a masked /proc: such a node has the whole /proc, as a machine.
        ...(options.remapUsers ? { MaskedPaths: [], ReadonlyPaths: [] } : {}),
      } as Docker.HostConfig,
      NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: address } } } },
    });
    await container.start();
    nodes.push({
      name,
      address,
      engine: new Docker({ host: address, port: enginePort, protocol: 'https', ...tls, timeout: 60_000 }),
    });
  }
  const cluster: SwarmCluster = {
    nodes,
    manager: nodes[0]!.engine,
    tlsDir,
    serverEnv: () => ({
      DOCKER_HOST: `tcp://${addresses[0]}:${enginePort}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: tlsDir,
      SWARM_NODE_PORT: String(enginePort),
      SWARM_NODE_TLS_DIR: tlsDir,
    }),
    cli: (address) => [
      '-H',
      `tcp://${address}:${enginePort}`,
      '--tlsverify',
      `--tlscacert=${tlsDir}/ca.pem`,
      `--tlscert=${tlsDir}/cert.pem`,
      `--tlskey=${tlsDir}/key.pem`,
    ],
    stop: removeCluster,
  };
  try {
    for (const node of nodes) await until(`${node.name}'s engine`, 90_000, () => node.engine.ping());
    const [first, ...others] = nodes;
    await first!.engine.swarmInit({ ListenAddr: `${first!.address}:2377`, AdvertiseAddr: first!.address });
    const swarm = (await first!.engine.swarmInspect()) as { JoinTokens: { Worker: string } };
    for (const node of others) {
      await node.engine.swarmJoin({
        ListenAddr: `${node.address}:2377`,
        AdvertiseAddr: node.address,
        RemoteAddrs: [`${first!.address}:2377`],
        JoinToken: swarm.JoinTokens.Worker,
      });
    }
    const listed = await until('every node ready', 60_000, async () => {
      const all = (await cluster.manager.listNodes()) as {
        ID: string;
        Status: { State: string };
        Version: { Index: number };
        Spec: Record<string, unknown>;
      }[];
      return all.length === count && all.every((n) => n.Status.State === 'ready') ? all : undefined;
    });
    for (const node of listed) {
      await cluster.manager.getNode(node.ID).update({
        version: node.Version.Index,
        ...node.Spec,
        Labels: { ...((node.Spec.Labels as Record<string, string> | undefined) ?? {}), [sandboxNodeLabel]: 'true' },
      });
    }
    await loadImage(nodes);
    return cluster;
  } catch (error) {
    await removeCluster();
    throw error;
  }
}

/** The sandbox image on every node, saved once from the host's engine. */
async function loadImage(nodes: SwarmNode[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cours-docker-swarm-'));
  const archive = path.join(dir, 'sandbox.tar');
  try {
    await run('docker', ['save', '-o', archive, image]);
    await Promise.all(
      nodes.map(async (node) => {
        const stream = await node.engine.loadImage(createReadStream(archive));
        await new Promise<void>((resolve, reject) =>
          node.engine.modem.followProgress(stream, (error) => (error ? reject(error) : resolve())),
        );
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `bash -e -c script` in a session's sandbox, on whichever node its task runs (solve scripts). */
export async function execInSandbox(
  cluster: SwarmCluster,
  sessionId: string,
  script: string,
  timeoutMs = 600_000,
): Promise<{ exitCode: number; stdout: string; stderr: string; timedOut: boolean }> {
  for (const node of cluster.nodes) {
    const [found] = await node.engine.listContainers({
      filters: { label: [`cours-docker.session=${sessionId}`, 'cours-docker.role=sandbox'] },
    });
    if (!found) continue;
    const exec = await node.engine.getContainer(found.Id).exec({
      Cmd: ['timeout', '-s', 'KILL', String(Math.ceil(timeoutMs / 1000)), 'bash', '-e', '-c', script],
      AttachStdout: true,
      AttachStderr: true,
      WorkingDir: '/root',
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sink = (into: Buffer[]) => new Writable({ write: (chunk: Buffer, _e, done) => (into.push(chunk), done()) });
    node.engine.modem.demuxStream(stream, sink(out), sink(err));
    await finished(stream).catch(() => undefined);
    const info = await exec.inspect();
    const exitCode = info.ExitCode ?? -1;
    return {
      exitCode,
      stdout: Buffer.concat(out).toString(),
      stderr: Buffer.concat(err).toString(),
      timedOut: exitCode === 137,
    };
  }
  throw new Error(`test swarm: no sandbox of session ${sessionId} on any node`);
}

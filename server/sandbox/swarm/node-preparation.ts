// What a sandbox node needs before a sandbox lands there, given by the server through the node's
// engine (no registry of images, no internet): the sandbox and registry images, copied from the
// engine where they were built; and the course registry's read-only mirror, as on one host, on
// the node's own copy of the registry's data. The mirror joins each sandbox's overlay on its
// node under the registry's alias, so that a sandbox reaches it and nothing else.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from '../../log/log.ts';
import { labels, SandboxError } from '../driver.ts';
import { isNotFound, type EngineCalls } from '../engine-calls.ts';

export interface MirrorSettings {
  /** The engine where the images were built and the course registry filled (`npm run images`). */
  source: Docker;
  sandboxImage: string;
  registryImage: string;
  /** The registry's data volume on the source engine, and the name of its copy on each node. */
  registryVolume: string;
  /** The mirror container's name on each node. */
  mirrorContainer: string;
  /** The name sandboxes reach the mirror by (SANDBOX_REGISTRY_MIRROR). */
  registryAlias: string;
  /** Hosts the mirror's proxy lets sandboxes reach (none: no proxy, no way out). */
  egressHosts: string[];
}

/** The port of the mirror's proxy (tinyproxy, mirror-entrypoint). */
export const egressProxyPort = 3128;
/** The mirror's allowed hosts, on its container: a mirror started with others is made again. */
const egressLabel = 'cours-docker.egress-hosts';

/** The registry data's fingerprint, on the copy's volume: a node whose copy has it is up to date. */
const contentLabel = 'cours-docker.registry-content';
const registryData = '/var/lib/docker-registry';
/** Copying 750 MB of layers to a node, or an image, may take minutes on a busy network. */
const copyTimeoutMs = 15 * 60_000;

/** The command's output, run in a throwaway container of `image` on `docker`. */
async function runOnce(docker: Docker, image: string, binds: string[], script: string): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['sh', '-c'],
    Cmd: [script],
    // A terminal: its log is the text itself, not multiplexed frames.
    Tty: true,
    HostConfig: { Binds: binds, NetworkMode: 'none' },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('utf8');
    if (StatusCode !== 0) throw new SandboxError(`${script}: exit ${StatusCode}: ${logs.slice(-300)}`);
    return logs.trim();
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}

async function imageId(docker: Docker, image: string): Promise<string | undefined> {
  try {
    return ((await docker.getImage(image).inspect()) as { Id: string }).Id;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export class NodePreparation {
  private readonly settings: MirrorSettings;
  private readonly log: Logger;
  /** Per node id: its preparation, done once (again after a failure). */
  private readonly prepared = new Map<string, Promise<void>>();
  private fingerprint: Promise<string> | undefined;
  private sourceId: Promise<string> | undefined;

  constructor(settings: MirrorSettings, log: Logger) {
    this.settings = settings;
    this.log = log;
  }

  /** Makes node `id` ready for sandboxes; at most once at a time per node, again after a failure. */
  ensure(id: string, calls: EngineCalls): Promise<void> {
    let ready = this.prepared.get(id);
    if (!ready) {
      ready = this.prepare(id, calls);
      this.prepared.set(id, ready);
      ready.catch(() => this.prepared.delete(id));
    }
    return ready;
  }

  /** A node that left (or came back): prepared again next time. */
  forget(id: string): void {
    this.prepared.delete(id);
  }

  private async prepare(id: string, calls: EngineCalls): Promise<void> {
    const started = performance.now();
    const { sandboxImage, registryImage } = this.settings;
    // The server's own engine may be a sandbox node (the server on a manager): its images and
    // registry data are the source itself, never copied onto themselves (nor removed first).
    if (!(await this.isSource(calls.docker))) {
      for (const image of [sandboxImage, registryImage]) await this.copyImage(calls.docker, image, id);
      await this.copyRegistryData(calls.docker, id);
    }
    await this.startMirror(calls.docker);
    this.log.info('swarm node prepared for sandboxes', { node: id, ms: Math.round(performance.now() - started) });
  }

  /** Whether `node` is the source engine itself (the same engine id). */
  private async isSource(node: Docker): Promise<boolean> {
    this.sourceId ??= (this.settings.source.info() as Promise<{ ID: string }>).then((info) => info.ID);
    this.sourceId.catch(() => (this.sourceId = undefined));
    const [source, own] = await Promise.all([
      this.sourceId,
      (node.info() as Promise<{ ID: string }>).then((i) => i.ID),
    ]);
    return source === own;
  }

  /** The image as built on the source engine, loaded on the node when its id differs. */
  private async copyImage(node: Docker, image: string, id: string): Promise<void> {
    const wanted = await imageId(this.settings.source, image);
    if (!wanted) throw new SandboxError(`image ${image} missing on the server's engine: build it first`);
    if ((await imageId(node, image)) === wanted) return;
    this.log.info('copying an image to a swarm node', { node: id, image });
    const archive = (await this.settings.source.getImage(image).get()) as Readable;
    const loading = (await node.loadImage(archive, { abortSignal: AbortSignal.timeout(copyTimeoutMs) })) as Readable;
    await new Promise<void>((resolve, reject) =>
      node.modem.followProgress(loading, (error) => (error ? reject(error) : resolve())),
    );
    if ((await imageId(node, image)) !== wanted) throw new SandboxError(`image ${image} not loaded on node ${id}`);
  }

  /** Paths and sizes of the registry's files on the source: what a node's copy must match. */
  private sourceFingerprint(): Promise<string> {
    this.fingerprint ??= runOnce(
      this.settings.source,
      this.settings.registryImage,
      [`${this.settings.registryVolume}:${registryData}:ro`],
      `cd ${registryData} && find . -type f -printf '%p %s\\n' | sort | sha256sum | cut -c1-64`,
    );
    this.fingerprint.catch(() => (this.fingerprint = undefined));
    return this.fingerprint;
  }

  /** The node's copy of the registry's data, made again when the source changed. */
  private async copyRegistryData(node: Docker, id: string): Promise<void> {
    const { registryVolume, registryImage, mirrorContainer, source } = this.settings;
    const fingerprint = await this.sourceFingerprint();
    try {
      const volume = (await node.getVolume(registryVolume).inspect()) as { Labels?: Record<string, string> };
      if (volume.Labels?.[contentLabel] === fingerprint) return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.log.info('copying the course registry to a swarm node', { node: id });
    // The mirror holds the old copy: it goes first, and comes back on the new one.
    await node
      .getContainer(mirrorContainer)
      .remove({ force: true })
      .catch(() => {});
    await node
      .getVolume(registryVolume)
      .remove()
      .catch(() => {});
    await node.createVolume({
      Name: registryVolume,
      Labels: { [labels.managed]: 'true', [labels.role]: 'registry', [contentLabel]: fingerprint },
    });
    const exporter = await source.createContainer({
      Image: registryImage,
      Cmd: ['true'],
      HostConfig: { Binds: [`${registryVolume}:${registryData}:ro`], NetworkMode: 'none' },
    });
    const loader = await node.createContainer({
      Image: registryImage,
      Cmd: ['true'],
      HostConfig: { Binds: [`${registryVolume}:${registryData}`], NetworkMode: 'none' },
    });
    try {
      const archive = (await exporter.getArchive({ path: registryData })) as Readable;
      // The archive's top folder is `docker-registry`: it lands on the volume's mount point.
      await loader.putArchive(archive, { path: '/var/lib', abortSignal: AbortSignal.timeout(copyTimeoutMs) });
    } finally {
      await Promise.all(
        [exporter.remove({ force: true }), loader.remove({ force: true })].map((p) => p.catch(() => {})),
      );
    }
  }

  /** The read-only mirror, as on one host (registry image's mirror-entrypoint), running. */
  private async startMirror(node: Docker): Promise<void> {
    const { mirrorContainer, registryImage, registryVolume, egressHosts } = this.settings;
    const wanted = await imageId(node, registryImage);
    const egress = egressHosts.join(',');
    try {
      const current = await node.getContainer(mirrorContainer).inspect();
      const sameEgress = (current.Config.Labels[egressLabel] ?? '') === egress;
      if (current.Image === wanted && current.State.Running && sameEgress) return;
      await node.getContainer(mirrorContainer).remove({ force: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const mirror = await node.createContainer({
      name: mirrorContainer,
      Image: registryImage,
      Cmd: ['/usr/local/bin/mirror-entrypoint'],
      Env: egress ? [`MIRROR_EGRESS_HOSTS=${egress}`] : [],
      Labels: { [labels.managed]: 'true', [labels.role]: 'registry', [egressLabel]: egress },
      HostConfig: {
        ReadonlyRootfs: true,
        Tmpfs: { '/run': 'rw,size=16m', '/var/lib/nginx': 'rw,size=1m' },
        Binds: [`${registryVolume}:${registryData}:ro`],
        RestartPolicy: { Name: 'unless-stopped' },
        CapDrop: ['ALL'],
        CapAdd: ['SETUID', 'SETGID', 'CHOWN', 'DAC_OVERRIDE'],
      },
    });
    await mirror.start();
  }

  /**
   * The node's mirror on a sandbox's overlay, under the registry's alias. Gives the proxy's
   * address there when the mirror has one: by address, since the student's own containers and
   * builds do not resolve the overlay's names.
   */
  async join(calls: EngineCalls, network: string): Promise<string | undefined> {
    await calls.docker.getNetwork(network).connect({
      Container: this.settings.mirrorContainer,
      EndpointConfig: { Aliases: [this.settings.registryAlias] },
      ...calls.within(),
    });
    return this.proxy(calls, network);
  }

  /** The proxy's address on a sandbox's overlay (none without allowed hosts). */
  async proxy(calls: EngineCalls, network: string): Promise<string | undefined> {
    if (this.settings.egressHosts.length === 0) return undefined;
    const mirror = await calls.docker.getContainer(this.settings.mirrorContainer).inspect(calls.within());
    const address = mirror.NetworkSettings.Networks[network]?.IPAddress;
    if (!address) throw new SandboxError(`mirror has no address on ${network}`);
    return `http://${address}:${egressProxyPort}`;
  }

  /** The overlays the node's mirror is on now (none when it is not running). */
  async overlays(calls: EngineCalls): Promise<Set<string>> {
    try {
      const mirror = await calls.docker.getContainer(this.settings.mirrorContainer).inspect(calls.within());
      return new Set(mirror.State.Running ? Object.keys(mirror.NetworkSettings.Networks) : []);
    } catch (error) {
      if (isNotFound(error)) return new Set();
      throw error;
    }
  }

  /** The mirror off a sandbox's overlay, so that the overlay can go. */
  async leave(calls: EngineCalls, network: string): Promise<void> {
    await calls.docker
      .getNetwork(network)
      .disconnect({ Container: this.settings.mirrorContainer, Force: true, ...calls.within() })
      .catch(() => {});
  }
}

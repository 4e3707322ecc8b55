// The course registry: the container that serves the preloaded images as registry mirror to
// every sandbox. Starts it (idempotently) and pushes images to it through its host port.
import { docker, dockerQuick, inspectImage, tailLines } from './docker-cli.ts';
import { ImagesError } from './images-error.ts';

export const REGISTRY_IMAGE = 'cours-docker/registry:latest';
export const REGISTRY_CONTAINER = 'cours-docker-registry';
/**
 * The read-only instance sandboxes reach, on the same data volume mounted read-only and in the
 * registry's `maintenance: readonly` mode behind nginx: pulls work, uploads, deletes and listings do not. The
 * writable one above is reached only from the host (127.0.0.1:REGISTRY_HOST_PORT) for preloads.
 */
export const REGISTRY_MIRROR_CONTAINER = 'cours-docker-registry-mirror';
export const REGISTRY_NETWORK = 'cours-docker-registry';
/** Name under which sandboxes reach the registry on their own networks. */
export const REGISTRY_ALIAS = 'cours-docker-registry';
export const REGISTRY_VOLUME = 'cours-docker-registry-data';
/** Address to give sandboxes as SANDBOX_REGISTRY_MIRROR. */
export const REGISTRY_MIRROR = `${REGISTRY_ALIAS}:5000`;
const ROLE_LABEL = 'cours-docker.role=registry';

export interface RegistryInfo {
  container: string;
  network: string;
  /** Registry address for sandboxes: `cours-docker-registry:5000`. */
  mirror: string;
  /** Port of the host's 127.0.0.1 where the registry listens, for pushing. */
  hostPort: number;
}

/** REGISTRY_HOST_PORT, default 5001. */
export function registryHostPort(): number {
  const raw = process.env.REGISTRY_HOST_PORT ?? '5001';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ImagesError(`REGISTRY_HOST_PORT invalide : « ${raw} » (un port entre 1 et 65535 est attendu).`);
  }
  return port;
}

interface InspectedContainer {
  Image: string;
  Config?: { Cmd?: string[] | null };
  State: { Running: boolean };
  HostConfig: { PortBindings?: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
  NetworkSettings: { Networks?: Record<string, { Aliases?: string[] | null }> | null };
}

async function inspectContainer(name: string): Promise<InspectedContainer | undefined> {
  const result = await dockerQuick(['container', 'inspect', name]);
  if (result.code !== 0) return undefined;
  return (JSON.parse(result.stdout) as InspectedContainer[])[0];
}

async function ensureNetwork(): Promise<void> {
  if ((await dockerQuick(['network', 'inspect', REGISTRY_NETWORK])).code === 0) return;
  const created = await dockerQuick(['network', 'create', '--label', ROLE_LABEL, REGISTRY_NETWORK]);
  if (created.code !== 0 && !created.stderr.includes('already exists')) {
    throw new ImagesError(`Impossible de créer le réseau ${REGISTRY_NETWORK}.`, {
      logTail: tailLines(created.stderr, 5),
    });
  }
}

async function waitForRegistry(hostPort: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${hostPort}/v2/`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** The mirror's command, in the registry image (server/registry/mirror-entrypoint). */
const mirrorEntrypoint = '/usr/local/bin/mirror-entrypoint';

interface RegistryContainer {
  name: string;
  /** The mirror for sandboxes: read-only, not published, joined to sandbox networks. */
  readOnly: boolean;
}

function runArguments(spec: RegistryContainer, hostPort: number): string[] {
  const common = ['run', '-d', '--name', spec.name, '--restart', 'unless-stopped', '--label', ROLE_LABEL];
  if (!spec.readOnly) {
    return [
      ...common,
      '--network',
      REGISTRY_NETWORK,
      '-p',
      `127.0.0.1:${hostPort}:5000`,
      '-v',
      `${REGISTRY_VOLUME}:/var/lib/docker-registry`,
      REGISTRY_IMAGE,
    ];
  }
  return [
    ...common,
    '--network',
    REGISTRY_NETWORK,
    '--read-only',
    '--tmpfs',
    '/run:rw,size=16m',
    '--tmpfs',
    '/var/lib/nginx:rw,size=1m',
    '-v',
    `${REGISTRY_VOLUME}:/var/lib/docker-registry:ro`,
    REGISTRY_IMAGE,
    // The registry in read-only maintenance mode on the loopback, and nginx in front letting
    // only pulls through (no catalog nor tag listing).
    mirrorEntrypoint,
  ];
}

/** Whether the container runs from the current image with the settings this code gives it. */
function upToDate(current: InspectedContainer, imageId: string, spec: RegistryContainer, hostPort: number): boolean {
  if (current.Image !== imageId || current.NetworkSettings.Networks?.[REGISTRY_NETWORK] === undefined) return false;
  const binding = current.HostConfig.PortBindings?.['5000/tcp']?.[0];
  if (spec.readOnly) {
    return binding === undefined && (current.Config?.Cmd ?? []).includes(mirrorEntrypoint);
  }
  return binding?.HostIp === '127.0.0.1' && binding.HostPort === String(hostPort);
}

/** Starts (or replaces) one registry container; returns the sandbox networks it must be on. */
async function ensureContainer(
  spec: RegistryContainer,
  imageId: string,
  hostPort: number,
  log: (line: string) => void,
): Promise<void> {
  const current = await inspectContainer(spec.name);
  const sandboxNetworks = Object.entries(current?.NetworkSettings.Networks ?? {}).filter(
    ([name]) => name !== REGISTRY_NETWORK && name !== 'bridge',
  );
  const what = spec.readOnly ? 'miroir en lecture seule des bacs à sable' : `127.0.0.1:${hostPort}`;
  if (current && upToDate(current, imageId, spec, hostPort)) {
    if (current.State.Running) {
      log(`[images] registre du cours : ${spec.name} tourne déjà (${what})`);
    } else {
      log(`[images] registre du cours : redémarrage de ${spec.name}`);
      const started = await dockerQuick(['start', spec.name]);
      if (started.code !== 0) {
        throw new ImagesError(`Le registre ${spec.name} ne redémarre pas.`, { logTail: tailLines(started.stderr, 10) });
      }
    }
  } else {
    if (current) {
      log(`[images] registre du cours : remplacement de ${spec.name} (image ou réglages changés)`);
      await dockerQuick(['rm', '-f', spec.name]);
    } else {
      log(`[images] registre du cours : création de ${spec.name} (${what})`);
    }
    const created = await docker(runArguments(spec, hostPort));
    if (created.code !== 0) {
      const portTaken = /address already in use|port is already allocated/i.test(created.stderr);
      throw new ImagesError(
        portTaken
          ? `Le port 127.0.0.1:${hostPort} est déjà pris : libérez-le ou choisissez-en un autre avec REGISTRY_HOST_PORT.`
          : `Le registre ${spec.name} ne démarre pas.`,
        { logTail: tailLines(created.stderr, 10) },
      );
    }
    // Only the read-only mirror goes back on the sandbox networks the old container was on.
    if (spec.readOnly) {
      for (const [network] of sandboxNetworks) {
        await dockerQuick(['network', 'connect', '--alias', REGISTRY_ALIAS, network, spec.name]);
      }
    }
  }
  if (!spec.readOnly) {
    // An older server joined the writable registry to sandbox networks: it leaves them.
    for (const [network] of sandboxNetworks) await dockerQuick(['network', 'disconnect', '-f', network, spec.name]);
  }
}

/**
 * Makes sure the course registry runs from the current registry image: the writable instance
 * published on 127.0.0.1:REGISTRY_HOST_PORT (for the preload), and the read-only mirror that
 * sandboxes reach. A container from an older image or with other settings is replaced (the
 * data volume stays).
 */
export async function ensureRegistryRunning(log: (line: string) => void = () => undefined): Promise<RegistryInfo> {
  const hostPort = registryHostPort();
  const info: RegistryInfo = {
    container: REGISTRY_CONTAINER,
    network: REGISTRY_NETWORK,
    mirror: REGISTRY_MIRROR,
    hostPort,
  };
  const image = await inspectImage(REGISTRY_IMAGE);
  if (!image) {
    throw new ImagesError(`L'image ${REGISTRY_IMAGE} est absente : construisez les images avec « npm run images ».`);
  }
  await ensureNetwork();
  await dockerQuick(['volume', 'create', '--label', ROLE_LABEL, REGISTRY_VOLUME]);
  await ensureContainer({ name: REGISTRY_CONTAINER, readOnly: false }, image.id, hostPort, log);
  if (!(await waitForRegistry(hostPort, 30_000))) {
    const logs = await dockerQuick(['logs', '--tail', '20', REGISTRY_CONTAINER]);
    throw new ImagesError(`Le registre du cours ne répond pas sur http://127.0.0.1:${hostPort}/v2/.`, {
      logTail: tailLines(logs.stdout + logs.stderr, 20),
    });
  }
  await ensureContainer({ name: REGISTRY_MIRROR_CONTAINER, readOnly: true }, image.id, hostPort, log);
  // The mirror has no port on the host: it is up once its container runs and stays running.
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (!(await inspectContainer(REGISTRY_MIRROR_CONTAINER))?.State.Running) {
    const logs = await dockerQuick(['logs', '--tail', '20', REGISTRY_MIRROR_CONTAINER]);
    throw new ImagesError(`Le miroir en lecture seule ${REGISTRY_MIRROR_CONTAINER} ne démarre pas.`, {
      logTail: tailLines(logs.stdout + logs.stderr, 20),
    });
  }
  return info;
}

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/** Digest of the manifest the registry holds for `library/<name>:<tag>`, if any. */
export async function registryDigest(hostPort: number, name: string, tag: string): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${hostPort}/v2/library/${name}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_TYPES },
      signal: AbortSignal.timeout(5000),
    });
    return response.ok ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

/** The host's tag used to push `library/<name>:<tag>` to the course registry. */
export function pushTag(hostPort: number, name: string, tag: string): string {
  return `localhost:${hostPort}/library/${name}:${tag}`;
}

/**
 * Pushes `source` as `library/<name>:<tag>` for each tag, skipping tags the registry already
 * holds with the digest this image got when last pushed. Returns the tags pushed.
 */
export async function pushToRegistry(
  hostPort: number,
  source: string,
  name: string,
  tags: string[],
  options: { force: boolean; logFile?: string },
): Promise<string[]> {
  const pushed: string[] = [];
  const repository = `localhost:${hostPort}/library/${name}`;
  for (const tag of tags) {
    const target = pushTag(hostPort, name, tag);
    const [sourceImage, targetImage] = [await inspectImage(source), await inspectImage(target)];
    if (!sourceImage) throw new ImagesError(`L'image ${source} est introuvable pour l'envoi au registre.`);
    if (targetImage?.id !== sourceImage.id) {
      const tagged = await dockerQuick(['tag', source, target]);
      if (tagged.code !== 0) {
        throw new ImagesError(`docker tag ${source} ${target} a échoué.`, { logTail: tailLines(tagged.stderr, 5) });
      }
    }
    if (!options.force) {
      const local = sourceImage.repoDigests.find((digest) => digest.startsWith(`${repository}@`));
      const remote = await registryDigest(hostPort, name, tag);
      if (local && remote && local.endsWith(`@${remote}`)) continue;
    }
    const result = await docker(['push', target], { logFile: options.logFile, timeoutMs: 30 * 60_000 });
    if (result.code !== 0) {
      throw new ImagesError(`L'envoi de ${target} au registre du cours a échoué.`, {
        logTail: tailLines(result.stdout + result.stderr, 20),
        logFile: options.logFile,
      });
    }
    pushed.push(tag);
  }
  return pushed;
}

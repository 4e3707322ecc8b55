// Which sandbox driver the server runs (SANDBOX_DRIVER), built from the configuration, and the
// engine made ready for it: images, the course registry, the firewall and the isolation mode on
// one machine; on a swarm, the sandbox nodes' agreement on isolation.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import os from 'node:os';
import path from 'node:path';
import { instanceId, type Config } from '../config/config.ts';
import { engineMissing, toUserError } from '../http/errors.ts';
import type { Logger } from '../log/log.ts';
import { DockerSandboxDriver } from '../sandbox/docker-driver.ts';
import type { EngineDriver } from '../sandbox/driver.ts';
import { hostResolvers, isolateSandboxes } from '../sandbox/firewall.ts';
import type { NodeAccess } from '../sandbox/swarm/node-engines.ts';
import { SwarmSandboxDriver } from '../sandbox/swarm/swarm-driver.ts';
import { linkFolderFits } from '../sandbox/terminal-links.ts';
import { terminalTransport } from '../sandbox/terminal-transport.ts';

type Images = typeof import('../images/build.ts');

const say = (line: string) => process.stdout.write(line + '\n');

/** The settings both drivers share: the sandbox's image, limits and labels. */
function containerSettings(config: Config, images: Images) {
  return {
    image: config.SANDBOX_IMAGE,
    runtime: config.SANDBOX_RUNTIME,
    privileged: config.SANDBOX_PRIVILEGED,
    memoryBytes: config.SANDBOX_MEMORY,
    cpus: config.SANDBOX_CPUS,
    cpuWeight: config.SANDBOX_CPU_WEIGHT,
    pidsLimit: config.SANDBOX_PIDS,
    diskBytes: config.SANDBOX_DISK,
    homeBytes: config.SANDBOX_HOME,
    // Sandboxes reach only the read-only mirror; the writable registry stays on the host's loopback.
    registryContainer: images.REGISTRY_MIRROR_CONTAINER,
    registryAlias: images.REGISTRY_ALIAS,
    instance: instanceId(config),
    dns: hostResolvers(),
    isolation: config.SANDBOX_ISOLATION,
  };
}

/**
 * This machine's own engine, whatever DOCKER_HOST says (docker-modem lets DOCKER_HOST's host
 * override a socket path given alone).
 */
function localEngine(): Docker {
  return new Docker({
    socketPath: '/var/run/docker.sock',
    host: undefined,
    port: undefined,
    protocol: 'http',
  } as never);
}

/** The client certificate for the nodes' engines, read once; plain TCP without a folder. */
function nodeAccess(config: Config): NodeAccess {
  const dir = config.SWARM_NODE_TLS_DIR;
  if (!dir) {
    say(
      '[cluster] SWARM_NODE_TLS_DIR non réglé : les moteurs des nœuds sont joints en TCP sans TLS. À réserver à un réseau privé de test : en production, donnez le dossier de ca.pem, cert.pem et key.pem.',
    );
    return { port: config.SWARM_NODE_PORT };
  }
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch (error) {
      throw new Error(
        `SWARM_NODE_TLS_DIR : ${name} illisible dans ${dir} (${(error as Error).message}). Placez-y ca.pem, cert.pem et key.pem.`,
        { cause: error },
      );
    }
  };
  return { port: config.SWARM_NODE_PORT, tls: { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') } };
}

/** `startsAtOnce` undefined: the drivers follow their engines' cores (capacity()). */
export function sandboxDriver(
  config: Config,
  images: Images,
  startsAtOnce: number | undefined,
  log: Logger,
): EngineDriver {
  const settings = containerSettings(config, images);
  if (config.SANDBOX_DRIVER === 'swarm') {
    return new SwarmSandboxDriver(
      {
        ...settings,
        maxConcurrentStarts: startsAtOnce,
        readyTimeoutSeconds: 120,
        nodes: nodeAccess(config),
        overlayMtu: config.SWARM_OVERLAY_MTU,
        mirror: {
          // This machine's own engine, where `npm run images` built the images and filled the
          // course registry (DOCKER_HOST names the manager).
          source: localEngine(),
          sandboxImage: config.SANDBOX_IMAGE,
          registryImage: images.REGISTRY_IMAGE,
          registryVolume: images.REGISTRY_VOLUME,
          mirrorContainer: images.REGISTRY_MIRROR_CONTAINER,
          registryAlias: images.REGISTRY_ALIAS,
          egressHosts: config.SANDBOX_EGRESS === 'internet' ? config.SWARM_EGRESS_HOSTS.split(',') : [],
        },
      },
      log.child({ module: 'sandbox', driver: 'swarm' }),
    );
  }
  const worstCase = config.MAX_SESSIONS * config.SANDBOX_MEMORY;
  if (worstCase > os.totalmem()) {
    say(
      `[limites] À savoir : au pire, MAX_SESSIONS × SANDBOX_MEMORY = ${(worstCase / 1024 ** 3).toFixed(1)} Gio, plus que la mémoire de la machine (${(os.totalmem() / 1024 ** 3).toFixed(1)} Gio). Un bac à sable au repos prend environ 40 Mio ; si des élèves remplissent tous leur disque (en mémoire), baissez MAX_SESSIONS ou SANDBOX_DISK.`,
    );
  }
  const terminal = terminalTransport(config.SANDBOX_TERMINAL, process.env.DOCKER_HOST);
  // A folder per instance: instances sharing SANDBOX_TERMINAL_DIR never sweep each other's.
  const terminalDir = path.resolve(
    config.SANDBOX_TERMINAL_DIR ?? path.join(config.DATA_DIR, 'terminals'),
    instanceId(config),
  );
  if (terminal === 'unix' && !linkFolderFits(terminalDir)) {
    throw new Error(
      `SANDBOX_TERMINAL_DIR : le chemin ${terminalDir} est trop long pour les sockets des terminaux (107 octets au plus, dossier de session compris). Choisissez un dossier plus court, par exemple /run/cours-docker/terminals, ou SANDBOX_TERMINAL=tcp.`,
    );
  }
  return new DockerSandboxDriver(
    {
      ...settings,
      maxConcurrentStarts: startsAtOnce,
      egress: config.SANDBOX_EGRESS,
      subnetPool: config.SANDBOX_SUBNET_POOL,
      readyTimeoutSeconds: 60,
      terminalTransport: terminal,
      terminalDir,
    },
    log.child({ module: 'sandbox' }),
  );
}

function sayIsolation(mode: 'userns' | 'none'): void {
  say(
    mode === 'userns'
      ? '[sécurité] Isolation userns : le root d’un bac à sable est un utilisateur ordinaire de l’hôte (userns-remap).'
      : '[sécurité] Isolation none : le root d’un bac à sable est le root de l’hôte, avec peu de capacités (machine dédiée ; voir SANDBOX_ISOLATION).',
  );
}

/**
 * Makes the engine ready for sandboxes: images, the course registry, the firewall and the
 * isolation mode. Gives why no session can be opened (French), if so.
 */
export async function prepareEngine(
  config: Config,
  driver: EngineDriver,
  images: Images,
  log: Logger,
): Promise<{ registryReady: boolean; unavailable?: string }> {
  if (!(await driver.engineAvailable())) {
    say(
      '[moteur] Aucun moteur Docker ne répond : le site fonctionne, mais sans bacs à sable. Installez docker.io, lancez dockerd (ou réglez DOCKER_HOST), puis relancez.',
    );
    return { registryReady: false, unavailable: engineMissing };
  }
  try {
    if (config.SANDBOX_DRIVER === 'swarm') {
      // The images and the registry come from this machine's engine, copied to each node; each
      // sandbox's overlay is internal, which isolates it without a firewall of this machine's.
      say(
        `[cluster] Bacs à sable sur l’essaim Docker (gestionnaire : ${process.env.DOCKER_HOST ?? 'moteur local'}) : préparation des nœuds étiquetés cours-docker.sandboxes=true (images et miroir du registre du cours, copiés depuis le moteur de cette machine ; la première fois, quelques minutes)…`,
      );
      sayIsolation(await driver.resolveIsolation());
      return { registryReady: true };
    }
    if (config.BUILD_IMAGES) await images.buildImages({ log: say });
    await images.ensureRegistryRunning(say);
    // Fails closed: without the isolation the operator asked for, no sandbox starts.
    await isolateSandboxes(config.SANDBOX_FIREWALL, config.SANDBOX_SUBNET_POOL, process.env.DOCKER_HOST, log);
    sayIsolation(await driver.resolveIsolation());
    return { registryReady: true };
  } catch (error) {
    log.error('sandbox isolation not in place: no sandbox will start', { error });
    const unavailable = toUserError(error).message;
    say(`[sécurité] ${unavailable}`);
    return { registryReady: true, unavailable };
  }
}

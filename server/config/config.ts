// Server configuration from environment variables, validated once at start with one readable error.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { processHeadroomBytes, tmpBytes } from '../sandbox/limits.ts';

z.config(z.locales.fr());

const projectRoot = path.resolve(import.meta.dirname, '../..');

const sizeSchema = z
  .string()
  .regex(/^\d+(\.\d+)?[kmg]?$/i, 'taille attendue, ex. 512m ou 2g')
  .transform((value) => {
    const match = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(value);
    const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
    return Math.round(Number(match?.[1]) * (units[(match?.[2] ?? '').toLowerCase()] ?? 1));
  });

const boolSchema = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** One host name of SWARM_EGRESS_HOSTS: labels of letters, digits and hyphens, the last of letters. */
const egressHost = '(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}';

export const configSchema = z
  .object({
    /** Address the server listens on. */
    HOST: z.string().min(1).default('127.0.0.1'),
    /** Port of the site, REST API and WebSocket. */
    PORT: z.coerce.number().int().min(1).max(65535).default(4321),
    /** Extra allowed Origins (comma-separated), besides http://HOST:PORT, localhost and 127.0.0.1. */
    ALLOWED_ORIGINS: z.string().default(''),
    /** Folder of the built site. */
    SITE_DIR: z.string().default(path.join(projectRoot, 'dist')),
    /** Folder of the TPs. */
    LABS_DIR: z.string().default(path.join(projectRoot, 'labs')),
    /** Folder of the SQLite progress store. */
    DATA_DIR: z.string().default(path.join(projectRoot, 'data')),
    /** Build missing images (base, sandbox, registry) at start. */
    BUILD_IMAGES: boolSchema.prefault('true'),
    /** Most sessions at once; more get a 503. */
    MAX_SESSIONS: z.coerce.number().int().min(1).max(5000).default(20),
    /** Sessions one client address may hold at once; past it, a 429. */
    SESSIONS_PER_CLIENT: z.coerce.number().int().min(1).max(500).default(8),
    /** Sessions one client address may open per minute; past it, a 429. */
    SESSIONS_PER_CLIENT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(12),
    /**
     * Class members one client address may hold in all running classes, and sandboxes those
     * members may hold together: 40 fits a class behind one school's NAT.
     */
    CLASS_MEMBERS_PER_CLIENT: z.coerce.number().int().min(1).max(1_000).default(40),
    /**
     * Behind a reverse proxy, whose X-Forwarded-For to believe for the client's address: `false`
     * (the connection's address), `true` (any), a hop count, or comma-separated addresses/CIDRs.
     */
    TRUST_PROXY: z
      .string()
      .regex(
        /^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
        'true, false, un nombre de relais ou des adresses',
      )
      .default('false')
      .transform((v): boolean | number | string[] =>
        v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(','),
      ),
    /**
     * TCP connections one client address may hold open on each listener (site, preview), when
     * TRUST_PROXY is off. A browser opens about six per host plus one per WebSocket: 400 fits a
     * class of thirty behind one NAT with room to spare.
     */
    CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(10).max(100_000).default(400),
    /**
     * WebSockets (terminal, class feed, watch, preview) one client address may hold open. A
     * student's TP page holds two or three: 150 fits a class of thirty behind one NAT.
     */
    WEBSOCKETS_PER_CLIENT: z.coerce.number().int().min(4).max(100_000).default(150),
    /**
     * Mean event-loop delay, in milliseconds, past which the server refuses new work (new
     * sessions, keys, joins, lints) with a French 503 while keeping what runs; 0 turns it off.
     */
    OVERLOAD_EVENT_LOOP_DELAY: z.coerce.number().int().min(0).max(10_000).default(100),
    /** Pre-started sandboxes kept ready. */
    POOL_SIZE: z.coerce.number().int().min(0).max(50).default(2),
    /** Session lifetime, in seconds. */
    SESSION_LIFETIME: z.coerce.number().int().min(30).max(86_400).default(7_200),
    /** Idle time after which a session ends, in seconds. */
    SESSION_IDLE_TIMEOUT: z.coerce.number().int().min(10).max(86_400).default(1_800),
    /** How often the reaper looks for expired sessions and leaked objects, in seconds. */
    REAPER_INTERVAL: z.coerce.number().int().min(1).max(3_600).default(15),
    /** Image of the sandboxes. */
    SANDBOX_IMAGE: z.string().default('cours-docker/sandbox:latest'),
    /** OCI runtime of the sandboxes: runc, or sysbox-runc / runsc where the host has them. */
    SANDBOX_RUNTIME: z
      .string()
      .regex(/^[a-z0-9._-]+$/)
      .default('runc'),
    /**
     * Whose root a sandbox's root is: `userns`: an ordinary user of the host (needs an engine
     * run with `userns-remap`; the server refuses to open sandboxes otherwise); `none`: the
     * host's root, with few capabilities (for a dedicated, disposable host); `auto`: `userns`
     * when the engine remaps users, else `none`.
     */
    SANDBOX_ISOLATION: z.enum(['auto', 'userns', 'none']).default('auto'),
    /** Run sandboxes with --privileged instead of the capability recipe (where the host allows it). */
    SANDBOX_PRIVILEGED: boolSchema.prefault('false'),
    /** Memory limit of a sandbox (tmpfs included). */
    SANDBOX_MEMORY: sizeSchema.prefault('3584m'),
    /** CPUs of a sandbox. */
    SANDBOX_CPUS: z.coerce.number().min(0.1).max(64).default(1),
    /**
     * CPU weight of all sandboxes together against the server (a service weighs 100): they are
     * created under one parent cgroup given this weight, so a busy sandbox cannot starve the
     * server. 0 leaves them where the engine puts them.
     */
    SANDBOX_CPU_WEIGHT: z.coerce.number().int().min(0).max(10_000).default(25),
    /**
     * Sandbox starts and TP set-ups running at once (the others wait their turn, and are told
     * their place). 0: twice the machine's cores.
     */
    SANDBOX_STARTS_AT_ONCE: z.coerce.number().int().min(0).max(256).default(0),
    /** Process limit of a sandbox. */
    SANDBOX_PIDS: z.coerce.number().int().min(64).max(65_536).default(1024),
    /** Size of a sandbox's Docker storage (a tmpfs on /var/lib/docker). */
    SANDBOX_DISK: sizeSchema.prefault('2560m'),
    /** Size of the student's writable home and temporary folders. */
    SANDBOX_HOME: sizeSchema.prefault('512m'),
    /** `internet`: public addresses reachable (package mirrors); `none`: only the course registry. */
    SANDBOX_EGRESS: z.enum(['internet', 'none']).default('internet'),
    /**
     * How the server reaches the student's shell: `unix`, the sandbox's relay dials a socket of
     * the server's in SANDBOX_TERMINAL_DIR (the quickest; the engine on this machine, seeing that
     * folder at the same path); `tcp` to the sandbox's address (the engine on this machine);
     * `exec` through `docker exec` (any engine, slower); `auto`: `exec` when DOCKER_HOST names a
     * remote engine, else `unix`.
     */
    SANDBOX_TERMINAL: z.enum(['auto', 'unix', 'tcp', 'exec']).default('auto'),
    /**
     * Folder of the relays' sockets (SANDBOX_TERMINAL `unix`), in a subfolder per instance, one
     * socket per sandbox. The engine mounts each from the host: a server in a container is given
     * the folder at the same path. Default: DATA_DIR/terminals. Socket paths must fit in 107 bytes.
     */
    SANDBOX_TERMINAL_DIR: z.string().min(1).optional(),
    /** Address pool the sandboxes' own networks are cut from (one /24 each). */
    SANDBOX_SUBNET_POOL: z
      .string()
      .regex(/^\d+\.\d+\.0\.0\/16$/, 'un /16 attendu, ex. 10.213.0.0/16')
      .default('10.213.0.0/16'),
    /**
     * Isolation of the sandboxes' networks: `true` installs this machine's iptables and ip6tables
     * rules (no sandbox starts if they fail); `external`: the engine's host isolates them by its
     * own rules (required when DOCKER_HOST names a remote engine); `false`: none, knowingly.
     */
    SANDBOX_FIREWALL: z
      .enum(['true', 'false', '1', '0', 'external'])
      .default('true')
      .transform((v) => (v === 'external' ? 'external' : v === 'true' || v === '1' ? 'local' : 'off')),
    /** Name of this server instance on the engine (default: derived from DATA_DIR); each instance only manages its own sandboxes. */
    INSTANCE_ID: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, 'minuscules, chiffres et tirets, 32 au plus')
      .optional(),
    /**
     * The instructor's password (8 characters at least). Without it, one is generated at first
     * start, printed once, and kept hashed in DATA_DIR.
     */
    INSTRUCTOR_PASSWORD: z.string().min(8, '8 caractères au moins').max(200).optional(),
    /**
     * Port of the preview origin, on the same host: the students' web servers are shown there,
     * never on the course's own origin. 0 turns the browsers' previews off. Default PORT + 1.
     */
    PREVIEW_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /**
     * The previews' wildcard host behind a reverse proxy: with `apercu.example.com`, port 8080
     * of session <id> is <id>-8080.apercu.example.com, which the proxy sends to PREVIEW_PORT.
     * Unset: the previews are paths of PREVIEW_PORT on the course's host.
     */
    PREVIEW_HOST: z
      .string()
      .regex(
        /^(?=.{1,180}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/i,
        'un nom d’hôte, sans schéma ni chemin, éventuellement suivi de :port (ex. apercu.example.com)',
      )
      .optional(),
    /**
     * Where sandboxes run: `docker`, on the engine DOCKER_HOST names (one machine); `swarm`, as
     * services of the Docker Swarm whose manager DOCKER_HOST names, on its nodes labelled
     * `cours-docker.sandboxes=true`.
     */
    SANDBOX_DRIVER: z.enum(['docker', 'swarm']).default('docker'),
    /** With `swarm`: the port every sandbox node's engine answers on (TLS, mutual). */
    SWARM_NODE_PORT: z.coerce.number().int().min(1).max(65535).default(2376),
    /**
     * With `swarm`: a folder holding `ca.pem`, `cert.pem` and `key.pem`, the client certificate
     * the nodes' engines require (dockerd --tlsverify). Unset: plain TCP, for a private test
     * network only (a warning is printed).
     */
    SWARM_NODE_TLS_DIR: z.string().min(1).optional(),
    /** With `swarm`: MTU of the sandboxes' overlay networks (the nodes' own MTU minus 50 for VXLAN). */
    SWARM_OVERLAY_MTU: z.coerce.number().int().min(576).max(9000).default(1450),
    /**
     * With `swarm` and SANDBOX_EGRESS=internet: the host names sandboxes may reach, through a
     * proxy in each node's mirror (their overlays lead nowhere else), comma-separated. Builds
     * and containers find it by the student's Docker CLI configuration.
     */
    SWARM_EGRESS_HOSTS: z
      .string()
      .regex(
        // Names only, ending in a label of letters: an address (a node's, say) is never allowed.
        new RegExp(`^${egressHost}(,${egressHost}){0,31}$`),
        'des noms d’hôtes en minuscules séparés par des virgules, 32 au plus, jamais une adresse IP (ex. deb.debian.org)',
      )
      .default('deb.debian.org'),
    /** Log level. */
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((config, context) => {
    // Every writable place of a sandbox is a tmpfs counted in its memory: when they are all
    // full, its processes must still have room, or a full disk would look like an OOM kill.
    const needed = config.SANDBOX_DISK + config.SANDBOX_HOME + tmpBytes + processHeadroomBytes;
    if (needed > config.SANDBOX_MEMORY) {
      context.addIssue({
        code: 'custom',
        path: ['SANDBOX_MEMORY'],
        message: `trop petit : il faut au moins SANDBOX_DISK + SANDBOX_HOME + 384m (${Math.ceil(needed / 1024 ** 2)}m), car le disque des bacs à sable est en mémoire (tmpfs)`,
      });
    }
    if (config.SANDBOX_ISOLATION === 'userns' && config.SANDBOX_PRIVILEGED) {
      context.addIssue({
        code: 'custom',
        path: ['SANDBOX_PRIVILEGED'],
        message:
          'incompatible avec SANDBOX_ISOLATION=userns (un bac à sable privilégié a les pouvoirs du root de l’hôte)',
      });
    }
    if (config.SANDBOX_DRIVER === 'swarm' && config.SANDBOX_PRIVILEGED) {
      context.addIssue({
        code: 'custom',
        path: ['SANDBOX_PRIVILEGED'],
        message: 'impossible avec SANDBOX_DRIVER=swarm : un service Swarm ne peut pas être privilégié',
      });
    }
    if (config.POOL_SIZE > config.MAX_SESSIONS) {
      context.addIssue({ code: 'custom', path: ['POOL_SIZE'], message: 'ne peut dépasser MAX_SESSIONS' });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** The instance label: INSTANCE_ID, or a short hash of the data folder, stable across restarts. */
export function instanceId(config: Config): string {
  return config.INSTANCE_ID ?? createHash('sha256').update(path.resolve(config.DATA_DIR)).digest('hex').slice(0, 12);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the configuration; throws one ConfigError listing every bad variable, in French. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(configSchema.shape);
  const input = Object.fromEntries(known.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.')} : ${issue.message}`);
    throw new ConfigError(
      `Configuration invalide :\n${lines.join('\n')}\nCorrigez ces variables d'environnement puis relancez.`,
    );
  }
  return result.data;
}

/** Origins whose pages may call the API and open terminals. */
export function allowedOrigins(config: Config): Set<string> {
  const origins = new Set([
    `http://${config.HOST}:${config.PORT}`,
    `http://localhost:${config.PORT}`,
    `http://127.0.0.1:${config.PORT}`,
    `http://${os.hostname()}:${config.PORT}`,
  ]);
  for (const origin of config.ALLOWED_ORIGINS.split(',')) {
    if (origin.trim()) origins.add(origin.trim().replace(/\/$/, ''));
  }
  return origins;
}

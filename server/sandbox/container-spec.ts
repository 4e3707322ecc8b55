// What the engine is asked to create for a session: the student's sandbox and its checker, as
// pure functions of the driver's settings. Every security setting (capabilities, security
// options, read-only root, mounts, limits, user namespace, labels) is here, in one place to
// review, and pinned by tests/unit/container-spec.test.ts.
import type Docker from 'dockerode';
import { sandboxCgroupParent, type CgroupDriver } from './cpu-weight.ts';
import { labels, type SandboxSpec } from './driver.ts';
import { tmpBytes } from './limits.ts';
import { linkSocket } from './terminal-links.ts';

/** The driver's settings that shape the containers. */
export interface ContainerSettings {
  image: string;
  runtime: string;
  privileged: boolean;
  memoryBytes: number;
  cpus: number;
  /** The sandboxes' CPU weight, all together, against a service of weight 100 (see cpu-weight.ts). */
  cpuWeight?: number;
  pidsLimit: number;
  diskBytes: number;
  homeBytes: number;
  /** Name of the course registry container, joined to each sandbox network; '' for none. */
  registryContainer: string;
  /** Alias of the registry on sandbox networks (the mirror's host name). */
  registryAlias: string;
  /** DNS servers for the containers a student runs (the engine's embedded DNS is not theirs). */
  dns: string[];
  /** Labels objects as this server instance's, so two servers on one engine ignore each other. */
  instance: string;
}

/** What the driver learnt from the engine at start. */
export interface EngineFacts {
  /** The engine runs with userns-remap. */
  remapsUsers: boolean;
  /** The isolation mode settled for this engine (see resolveIsolation). */
  isolation: 'userns' | 'none';
  cgroupDriver: CgroupDriver;
  /** With userns-remap: the host ids a container's root maps to (from the engine's root folder). */
  remappedRoot?: { uid: number; gid: number };
}

/** The capabilities a sandbox keeps (all others are dropped); tested by sandbox-isolation. */
export const sandboxCapabilities = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
  'AUDIT_WRITE',
  'SYS_ADMIN',
  'NET_ADMIN',
  'IPC_LOCK',
  'SYS_NICE',
  // runc enters the namespaces of a container through /proc/<pid>/ns, which the kernel lets
  // only the same uid or SYS_PTRACE do: without it, `docker exec` and health checks fail in
  // every container that does not run as root (mariadb, USER in a Dockerfile).
  'SYS_PTRACE',
];

/**
 * What the checker keeps of root's powers: reading and writing the student's files whatever
 * their modes, and reaching the sandbox's root and engine socket through /proc (SYS_PTRACE,
 * needed to read another process's /proc entries when its capabilities exceed ours).
 */
export const checkerCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'KILL', 'SYS_PTRACE'];

/** The checker's memory: a check's tools and a copy of a folder to build, never the student's. */
export const checkerMemoryBytes = 256 * 1024 * 1024;

export function sandboxName(sessionId: string): string {
  return `cours-docker-sb-${sessionId}`;
}

export function checkerName(sessionId: string): string {
  return `cours-docker-check-${sessionId}`;
}

/** What the sandbox's entrypoint is told: the course mirror, resolvers, the relay's secret. */
export function sandboxEnv(o: ContainerSettings, relaySecret: string): string[] {
  return [
    ...(o.registryContainer ? [`SANDBOX_REGISTRY_MIRROR=${o.registryAlias}:5000`] : []),
    ...(o.dns.length > 0 ? [`SANDBOX_DNS=${o.dns.join(',')}`] : []),
    // The relay lets in only who knows it: the server (containers inside cannot read it).
    `SANDBOX_RELAY_SECRET=${relaySecret}`,
  ];
}

/** The labels that make a sandbox this instance's and this session's (reconciled after a restart). */
export function sandboxLabels(o: ContainerSettings, spec: SandboxSpec): Record<string, string> {
  return {
    [labels.managed]: 'true',
    [labels.role]: 'sandbox',
    [labels.session]: spec.sessionId,
    [labels.expires]: spec.expiresAt.toISOString(),
    [labels.pooled]: String(spec.pooled),
    [labels.instance]: o.instance,
  };
}

/**
 * The student's sandbox, on its own network, with the terminal relay's secret and, when the
 * relay dials the server, the server's socket for it (read-only, that socket alone).
 */
export function sandboxContainer(
  settings: ContainerSettings,
  engine: EngineFacts,
  spec: SandboxSpec,
  network: string,
  relaySecret: string,
  terminalSocket?: string,
): Docker.ContainerCreateOptions {
  const o = settings;
  const tmpfs = (size: number, mode = '755') => `rw,nosuid,size=${size},mode=${mode}`;
  const hostConfig: Docker.HostConfig & { CgroupnsMode: 'private' | 'host' } = {
    NetworkMode: network,
    // On an engine with userns-remap, `host` gives the sandbox the host's root (mode none).
    ...(engine.remapsUsers && engine.isolation === 'none' ? { UsernsMode: 'host' } : {}),
    Runtime: o.runtime,
    Privileged: o.privileged,
    ...(o.privileged
      ? {}
      : {
          // Only what nested Docker needs: Docker's defaults, plus mounts and cgroups
          // (SYS_ADMIN), bridges and iptables (NET_ADMIN), overlay2 (DAC_READ_SEARCH), what
          // images such as mariadb ask for (IPC_LOCK, SYS_NICE), and `docker exec` into
          // non-root containers (SYS_PTRACE, within the sandbox's own processes). No
          // SYS_MODULE, SYS_TIME, SYS_BOOT, SYS_RAWIO, SYSLOG...
          CapDrop: ['ALL'],
          CapAdd: sandboxCapabilities,
          SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
          // Docker's masked and read-only /proc and /sys paths stay as they are
          // (/proc/sysrq-trigger, /proc/sys, /proc/kcore…): nested Docker does without them.
        }),
    // The inner dockerd finds forwarding on, rather than writing /proc/sys (read-only).
    Sysctls: { 'net.ipv4.ip_forward': '1' },
    // A private cgroup namespace lets the inner dockerd remount its cgroups read-write.
    CgroupnsMode: 'private',
    Memory: o.memoryBytes,
    MemorySwap: o.memoryBytes,
    NanoCpus: Math.round(o.cpus * 1e9),
    ...(o.cpuWeight ? { CgroupParent: sandboxCgroupParent(engine.cgroupDriver) } : {}),
    PidsLimit: o.pidsLimit,
    // The image's own files are read-only; everything a student can write is a tmpfs counted in
    // the sandbox's memory, so nothing they do reaches the host's disk.
    ReadonlyRootfs: true,
    Tmpfs: {
      '/var/lib/docker': tmpfs(o.diskBytes, '711'),
      '/root': tmpfs(o.homeBytes, '700'),
      '/tmp': tmpfs(tmpBytes, '1777'),
      '/run': tmpfs(64 * 1024 * 1024),
      '/var/log': tmpfs(64 * 1024 * 1024),
      '/etc/docker': tmpfs(1024 * 1024),
      '/var/lib/containerd': tmpfs(64 * 1024 * 1024),
    },
    ...(terminalSocket ? { Binds: [`${terminalSocket}:${linkSocket}:ro`] } : {}),
    RestartPolicy: { Name: 'no' },
    AutoRemove: false,
    LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
  };
  return {
    name: sandboxName(spec.sessionId),
    Image: o.image,
    Hostname: 'bac-a-sable',
    Env: [...sandboxEnv(o, relaySecret), ...(terminalSocket ? [`SANDBOX_TERMINAL_SOCKET=${linkSocket}`] : [])],
    Labels: sandboxLabels(o, spec),
    HostConfig: hostConfig,
  };
}

/**
 * The sandbox's checker: the same image, sharing the sandbox's processes and network (and, on a
 * remapping engine, its user namespace), nothing of its filesystem, so that its binaries are its
 * own. Checks and steps' set-ups run in it through sandbox-checker.
 */
export function checkerContainer(
  settings: ContainerSettings,
  engine: EngineFacts,
  sessionId: string,
  expires: string,
  /** The sandbox container whose processes and network it joins (a Swarm task's is found by id). */
  sandbox = sandboxName(sessionId),
): Docker.ContainerCreateOptions {
  const o = settings;
  return {
    name: checkerName(sessionId),
    Image: o.image,
    // Not tini: pid 1 of these processes is the sandbox's, which reaps them.
    Entrypoint: ['sleep'],
    Cmd: ['infinity'],
    WorkingDir: '/',
    Labels: {
      [labels.managed]: 'true',
      [labels.role]: 'checker',
      [labels.session]: sessionId,
      [labels.expires]: expires,
      [labels.instance]: o.instance,
    },
    HostConfig: {
      PidMode: `container:${sandbox}`,
      NetworkMode: `container:${sandbox}`,
      ...(engine.remapsUsers && engine.isolation === 'none' ? { UsernsMode: 'host' } : {}),
      Runtime: o.runtime,
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: checkerCapabilities,
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: {
        '/run': 'rw,nosuid,size=16m,mode=755',
        '/tmp': 'rw,nosuid,size=64m,mode=1777',
        // The image declares /var/lib/docker a volume (the sandbox's engine storage): without a
        // mount there, each checker would cost the engine an anonymous volume, left behind.
        '/var/lib/docker': 'rw,nosuid,nodev,noexec,size=64k,mode=700',
      },
      Memory: checkerMemoryBytes,
      MemorySwap: checkerMemoryBytes,
      NanoCpus: Math.round(o.cpus * 1e9),
      ...(o.cpuWeight ? { CgroupParent: sandboxCgroupParent(engine.cgroupDriver) } : {}),
      PidsLimit: 256,
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}

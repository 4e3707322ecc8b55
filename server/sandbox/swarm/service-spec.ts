// What a Docker Swarm cluster is asked to create for a session: the student's sandbox as a
// service of one task, with the Docker driver's security (container-spec.ts) as far as Swarm can
// express it. Swarm has no private cgroup namespace, runtime, user namespace or privileged mode
// per service (userns-remap is set per node), and its tmpfs mounts are noexec: the inner
// engine's storage is a `local` volume backed by tmpfs instead. Pinned by service-spec.test.ts.
import type Docker from 'dockerode';
import {
  sandboxCapabilities,
  sandboxEnv,
  sandboxLabels,
  sandboxName,
  type ContainerSettings,
  type EngineFacts,
} from '../container-spec.ts';
import { labels, type SandboxSpec } from '../driver.ts';
import { tmpBytes } from '../limits.ts';

/** The node label that marks the nodes sandboxes may run on (`docker node update --label-add`). */
export const sandboxNodeLabel = 'cours-docker.sandboxes';

/** The writable folders of the sandbox, each a tmpfs counted in its memory, and their sizes. */
function tmpfsMounts(o: ContainerSettings): Docker.MountSettings[] {
  const sizes: Record<string, number> = {
    '/root': o.homeBytes,
    '/tmp': tmpBytes,
    '/run': 64 * 1024 * 1024,
    '/var/log': 64 * 1024 * 1024,
    '/etc/docker': 1024 * 1024,
    '/var/lib/containerd': 64 * 1024 * 1024,
  };
  const modes: Record<string, number> = { '/root': 0o700, '/tmp': 0o1777 };
  return Object.entries(sizes).map(([Target, SizeBytes]) => ({
    Type: 'tmpfs',
    Source: '',
    Target,
    TmpfsOptions: { SizeBytes, Mode: modes[Target] ?? 0o755 },
  }));
}

/** The volume that holds a sandbox's inner engine, on the node its task runs on. */
export function engineVolumeName(sessionId: string): string {
  return `${sandboxName(sessionId)}-docker`;
}

/**
 * The inner engine's storage: Swarm's tmpfs mounts cannot be made exec before Engine 27, so a
 * volume of the node's `local` driver, itself a tmpfs (exec, bounded). Named after the session,
 * so that the driver removes it on the task's node with the sandbox.
 */
function engineStorage(o: ContainerSettings, sessionId: string, facts?: EngineFacts): Docker.MountSettings {
  // On nodes that remap users, the sandbox's root is an ordinary host user: the tmpfs is its.
  const owner = facts?.remappedRoot ? `,uid=${facts.remappedRoot.uid},gid=${facts.remappedRoot.gid}` : '';
  return {
    Type: 'volume',
    Source: engineVolumeName(sessionId),
    Target: '/var/lib/docker',
    VolumeOptions: {
      NoCopy: true,
      Labels: { [labels.managed]: 'true', [labels.session]: sessionId, [labels.instance]: o.instance },
      DriverConfig: {
        Name: 'local',
        Options: { type: 'tmpfs', device: 'tmpfs', o: `size=${o.diskBytes},mode=711${owner}` },
      },
    },
  };
}

/** The student's sandbox as a one-task service on its own overlay network. */
export function sandboxService(
  settings: ContainerSettings,
  spec: SandboxSpec,
  network: string,
  relaySecret: string,
  facts?: EngineFacts,
): Docker.CreateServiceOptions {
  const o = settings;
  const serviceLabels = sandboxLabels(o, spec);
  return {
    Name: sandboxName(spec.sessionId),
    Labels: serviceLabels,
    TaskTemplate: {
      ContainerSpec: {
        Image: o.image,
        Hostname: 'bac-a-sable',
        Labels: serviceLabels,
        Env: sandboxEnv(o, relaySecret),
        // The same capabilities as the Docker driver's sandbox, and no others.
        CapabilityDrop: ['ALL'],
        CapabilityAdd: sandboxCapabilities,
        Privileges: { Seccomp: { Mode: 'unconfined' }, AppArmor: { Mode: 'disabled' } },
        Sysctls: { 'net.ipv4.ip_forward': '1' },
        ReadOnly: true,
        Mounts: [engineStorage(o, spec.sessionId, facts), ...tmpfsMounts(o)],
        StopGracePeriod: 5_000_000_000,
      },
      Resources: {
        Limits: { MemoryBytes: o.memoryBytes, NanoCPUs: Math.round(o.cpus * 1e9), Pids: o.pidsLimit },
        // What an idle sandbox takes: Swarm places no more sandboxes on a node than it can hold so.
        Reservations: { MemoryBytes: 64 * 1024 * 1024 },
      },
      // A sandbox that stops is over: never started again elsewhere, with the student's work gone.
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: {
        Constraints: [`node.labels.${sandboxNodeLabel}==true`],
        Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }],
      },
      Networks: [{ Target: network }],
      LogDriver: { Name: 'json-file', Options: { 'max-size': '1m', 'max-file': '1' } },
    },
    Mode: { Replicated: { Replicas: 1 } },
  } as Docker.CreateServiceOptions;
}

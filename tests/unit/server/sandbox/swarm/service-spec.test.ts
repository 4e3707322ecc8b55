// Pins every security setting of the sandbox as a Swarm service: the same capabilities as the
// Docker driver's container, a read-only root, bounded writable folders, limits, no restart
// elsewhere, placement on the sandbox nodes only.
import { describe, expect, it } from 'vitest';
import { sandboxCapabilities, sandboxContainer } from '../../../../../server/sandbox/container-spec.ts';
import {
  engineVolumeName,
  sandboxNodeLabel,
  sandboxService,
} from '../../../../../server/sandbox/swarm/service-spec.ts';
import { containerSettings } from '../../../fixtures/driver-settings.ts';

const spec = { sessionId: 's1', expiresAt: new Date('2026-12-07T12:00:00Z'), pooled: false };
const service = sandboxService(containerSettings, spec, 'net-s1', 'f'.repeat(64));
const task = service.TaskTemplate as {
  ContainerSpec: Record<string, unknown> & { Mounts: { Type: string; Source: string; Target: string }[] };
  Resources: { Limits: Record<string, number>; Reservations: Record<string, number> };
  RestartPolicy: { Condition: string };
  Placement: { Constraints: string[] };
  Networks: { Target: string }[];
};

describe('the sandbox as a Swarm service', () => {
  it('keeps exactly the Docker driver’s capabilities, with seccomp and AppArmor as there', () => {
    const container = sandboxContainer(
      containerSettings,
      { remapsUsers: false, isolation: 'none', cgroupDriver: 'cgroupfs' },
      spec,
      'net-s1',
      'f'.repeat(64),
    );
    expect(task.ContainerSpec.CapabilityDrop).toEqual(['ALL']);
    expect(task.ContainerSpec.CapabilityAdd).toEqual(sandboxCapabilities);
    expect(task.ContainerSpec.CapabilityAdd).toEqual(container.HostConfig?.CapAdd);
    for (const dangerous of ['SYS_MODULE', 'SYS_TIME', 'SYS_BOOT', 'SYS_RAWIO', 'SYSLOG', 'MAC_ADMIN', 'BPF']) {
      expect(task.ContainerSpec.CapabilityAdd).not.toContain(dangerous);
    }
    expect(task.ContainerSpec.Privileges).toEqual({ Seccomp: { Mode: 'unconfined' }, AppArmor: { Mode: 'disabled' } });
    expect(task.ContainerSpec).not.toHaveProperty('Privileged');
  });

  it('has a read-only root; the inner engine on a bounded tmpfs volume, the rest on bounded tmpfs', () => {
    expect(task.ContainerSpec.ReadOnly).toBe(true);
    const targets = task.ContainerSpec.Mounts.map((m) => `${m.Type} ${m.Target}`).sort();
    expect(targets).toEqual(
      [
        'volume /var/lib/docker',
        'tmpfs /root',
        'tmpfs /tmp',
        'tmpfs /run',
        'tmpfs /var/log',
        'tmpfs /etc/docker',
        'tmpfs /var/lib/containerd',
      ].sort(),
    );
    const storage = task.ContainerSpec.Mounts.find((m) => m.Target === '/var/lib/docker') as unknown as {
      Source: string;
      VolumeOptions: { DriverConfig: { Name: string; Options: Record<string, string> } };
    };
    expect(storage.Source).toBe(engineVolumeName('s1'));
    expect(storage.VolumeOptions.DriverConfig).toEqual({
      Name: 'local',
      Options: { type: 'tmpfs', device: 'tmpfs', o: `size=${containerSettings.diskBytes},mode=711` },
    });
  });

  it('gives the inner engine’s storage to the remapped root on nodes that remap users', () => {
    const remapped = sandboxService(containerSettings, spec, 'net-s1', 'f'.repeat(64), {
      remapsUsers: true,
      isolation: 'userns',
      cgroupDriver: 'cgroupfs',
      remappedRoot: { uid: 100000, gid: 100000 },
    });
    const mounts = (remapped.TaskTemplate as typeof task).ContainerSpec.Mounts as unknown as {
      Target: string;
      VolumeOptions: { DriverConfig: { Options: Record<string, string> } };
    }[];
    const storage = mounts.find((m) => m.Target === '/var/lib/docker');
    expect(storage?.VolumeOptions.DriverConfig.Options.o).toBe(
      `size=${containerSettings.diskBytes},mode=711,uid=100000,gid=100000`,
    );
  });

  it('is bounded, never restarted elsewhere, placed on sandbox nodes only, on its own network', () => {
    expect(task.Resources.Limits).toEqual({
      MemoryBytes: containerSettings.memoryBytes,
      NanoCPUs: containerSettings.cpus * 1e9,
      Pids: containerSettings.pidsLimit,
    });
    expect(task.RestartPolicy.Condition).toBe('none');
    expect(task.Placement.Constraints).toEqual([`node.labels.${sandboxNodeLabel}==true`]);
    expect(task.Networks).toEqual([{ Target: 'net-s1' }]);
    expect(service.Mode).toEqual({ Replicated: { Replicas: 1 } });
  });

  it('carries the session’s labels, the relay secret and the course mirror', () => {
    expect(service.Labels).toMatchObject({ 'cours-docker.session': 's1', 'cours-docker.role': 'sandbox' });
    expect(task.ContainerSpec.Env).toContain(`SANDBOX_RELAY_SECRET=${'f'.repeat(64)}`);
    expect(task.ContainerSpec.Env).toContain('SANDBOX_REGISTRY_MIRROR=registry.cours:5000');
  });
});

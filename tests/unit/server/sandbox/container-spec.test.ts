// Pins every security setting of the sandbox's and the checker's containers: a change to any of
// them fails here first, where a reviewer reads it, before the integration tests.
import { describe, expect, it } from 'vitest';
import {
  checkerCapabilities,
  checkerContainer,
  sandboxCapabilities,
  sandboxContainer,
  type EngineFacts,
} from '../../../../server/sandbox/container-spec.ts';
import { containerSettings } from '../../fixtures/driver-settings.ts';

const settings = containerSettings;
const none: EngineFacts = { remapsUsers: false, isolation: 'none', cgroupDriver: 'cgroupfs' };
const spec = { sessionId: 's1', expiresAt: new Date('2026-12-06T12:00:00Z'), pooled: true };

describe('the sandbox container', () => {
  const created = sandboxContainer(settings, none, spec, 'net-s1', 'f'.repeat(64));
  const host = created.HostConfig ?? {};

  it('drops every capability but those nested Docker needs, and never the dangerous ones', () => {
    expect(host.Privileged).toBe(false);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd).toEqual(sandboxCapabilities);
    for (const dangerous of ['SYS_MODULE', 'SYS_TIME', 'SYS_BOOT', 'SYS_RAWIO', 'SYSLOG', 'MAC_ADMIN', 'BPF']) {
      expect(host.CapAdd).not.toContain(dangerous);
    }
    expect(host.SecurityOpt).toEqual(['seccomp=unconfined', 'apparmor=unconfined']);
  });

  it('keeps the image read-only and every writable folder a bounded, nosuid tmpfs', () => {
    expect(host.ReadonlyRootfs).toBe(true);
    const tmpfs = host.Tmpfs ?? {};
    expect(Object.keys(tmpfs).sort()).toEqual(
      ['/etc/docker', '/root', '/run', '/tmp', '/var/lib/containerd', '/var/lib/docker', '/var/log'].sort(),
    );
    for (const options of Object.values(tmpfs)) expect(options).toMatch(/^rw,nosuid,size=\d+,mode=\d+$/);
    expect(tmpfs['/var/lib/docker']).toContain(`size=${settings.diskBytes}`);
    expect(tmpfs['/root']).toContain(`size=${settings.homeBytes},mode=700`);
    expect(host.Binds).toBeUndefined();
    expect(host.Mounts).toBeUndefined();
  });

  it('bounds memory (no swap), CPU and processes, under the sandboxes’ weighed parent', () => {
    expect(host.Memory).toBe(settings.memoryBytes);
    expect(host.MemorySwap).toBe(settings.memoryBytes);
    expect(host.NanoCpus).toBe(1e9);
    expect(host.PidsLimit).toBe(settings.pidsLimit);
    expect(host.CgroupParent).toBe('/cours-docker-sandboxes');
    expect(host.RestartPolicy).toEqual({ Name: 'no' });
  });

  it('mounts only its own terminal socket, read-only, and names it for its relay', () => {
    const linked = sandboxContainer(settings, none, spec, 'net-s1', 'f'.repeat(64), '/srv/terminals/s1.sock');
    expect(linked.HostConfig?.Binds).toEqual(['/srv/terminals/s1.sock:/opt/terminal-relay/relay.sock:ro']);
    expect(linked.HostConfig?.Mounts).toBeUndefined();
    expect(linked.Env).toContain('SANDBOX_TERMINAL_SOCKET=/opt/terminal-relay/relay.sock');
    expect(created.Env?.some((e) => e.startsWith('SANDBOX_TERMINAL_SOCKET='))).toBe(false);
  });

  it('runs on its own network, with the host’s root only where the isolation says so', () => {
    expect(host.NetworkMode).toBe('net-s1');
    expect(host.UsernsMode).toBeUndefined();
    const remapping = sandboxContainer(settings, { ...none, remapsUsers: true }, spec, 'n', 'x');
    expect(remapping.HostConfig?.UsernsMode).toBe('host');
    const userns = sandboxContainer(settings, { ...none, remapsUsers: true, isolation: 'userns' }, spec, 'n', 'x');
    expect(userns.HostConfig?.UsernsMode).toBeUndefined();
  });

  it('is labelled as this instance’s sandbox, with its session, pool state and end', () => {
    expect(created.name).toBe('cours-docker-sb-s1');
    expect(created.Labels).toEqual({
      'cours-docker.managed': 'true',
      'cours-docker.role': 'sandbox',
      'cours-docker.session': 's1',
      'cours-docker.expires': '2026-12-06T12:00:00.000Z',
      'cours-docker.pooled': 'true',
      'cours-docker.instance': 'i1',
    });
    expect(created.Env).toContain(`SANDBOX_RELAY_SECRET=${'f'.repeat(64)}`);
  });

  it('is privileged only when asked, and then without a capability list', () => {
    const privileged = sandboxContainer({ ...settings, privileged: true }, none, spec, 'n', 'x').HostConfig ?? {};
    expect(privileged.Privileged).toBe(true);
    expect(privileged.CapAdd).toBeUndefined();
  });
});

describe('the checker container', () => {
  const created = checkerContainer(settings, none, 's1', '2026-12-06T12:00:00.000Z');
  const host = created.HostConfig ?? {};

  it('shares the sandbox’s processes and network, nothing of its files', () => {
    expect(host.PidMode).toBe('container:cours-docker-sb-s1');
    expect(host.NetworkMode).toBe('container:cours-docker-sb-s1');
    expect(host.Binds).toBeUndefined();
    expect(host.Mounts).toBeUndefined();
    expect(host.VolumesFrom).toBeUndefined();
  });

  it('keeps only the capabilities a check needs, no new privileges, a read-only image', () => {
    expect(host.Privileged).toBe(false);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd).toEqual(checkerCapabilities);
    expect(host.CapAdd).not.toContain('SYS_ADMIN');
    expect(host.CapAdd).not.toContain('NET_ADMIN');
    expect(host.SecurityOpt).toEqual(['no-new-privileges']);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(Object.keys(host.Tmpfs ?? {}).sort()).toEqual(['/run', '/tmp', '/var/lib/docker']);
  });

  it('mounts a small tmpfs where its image declares a volume, so that it leaves no anonymous volume', () => {
    expect(host.Tmpfs?.['/var/lib/docker']).toMatch(/noexec.*size=64k/);
  });

  it('is bounded and weighed like a sandbox', () => {
    expect(host.Memory).toBe(256 * 1024 * 1024);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.PidsLimit).toBe(256);
    expect(host.CgroupParent).toBe('/cours-docker-sandboxes');
  });

  it('is labelled as this instance’s checker of the session, never as a sandbox', () => {
    expect(created.name).toBe('cours-docker-check-s1');
    expect(created.Labels?.['cours-docker.role']).toBe('checker');
    expect(created.Labels?.['cours-docker.session']).toBe('s1');
    expect(created.Labels?.['cours-docker.instance']).toBe('i1');
    expect(created.Labels?.['cours-docker.pooled']).toBeUndefined();
  });

  it('joins the host’s user namespace only beside a sandbox that does', () => {
    expect(checkerContainer(settings, { ...none, remapsUsers: true }, 's1', '').HostConfig?.UsernsMode).toBe('host');
    const userns = { ...none, remapsUsers: true, isolation: 'userns' as const };
    expect(checkerContainer(settings, userns, 's1', '').HostConfig?.UsernsMode).toBeUndefined();
  });
});

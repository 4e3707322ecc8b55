// Unit tests of the checker wrapper's mount-table rule (server/sandbox/image/sandbox-checker,
// Perl), on mount tables written here: what a fresh sandbox and its engine mount is expected;
// a mount on a system folder, or one stacked on the sandbox's own, makes it refuse to judge.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const wrapper = path.resolve(import.meta.dirname, '../../../../../server/sandbox/image/sandbox-checker');
const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-checker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A mount table line: point and type, the rest as the kernel writes it. */
const line = (id: number, point: string, type: string) =>
  `${id} 1 0:${id} / ${point.replace(/ /g, '\\040')} rw,relatime - ${type} ${type} rw`;

/** What a fresh sandbox shows (cgroup v1, tmpfs for the student's and the engine's folders). */
const fresh = [
  ['/', 'overlay'],
  ['/proc', 'proc'],
  ['/dev', 'tmpfs'],
  ['/dev/pts', 'devpts'],
  ['/sys', 'sysfs'],
  ['/sys/fs/cgroup', 'tmpfs'],
  ['/dev/mqueue', 'mqueue'],
  ['/dev/shm', 'tmpfs'],
  ['/root', 'tmpfs'],
  ['/run', 'tmpfs'],
  ['/tmp', 'tmpfs'],
  ['/etc/resolv.conf', 'ext4'],
  ['/etc/hostname', 'ext4'],
  ['/etc/hosts', 'ext4'],
  ['/var/log', 'tmpfs'],
  ['/etc/docker', 'tmpfs'],
  ['/var/lib/containerd', 'tmpfs'],
  ['/var/lib/docker', 'tmpfs'],
  ['/opt/terminal-relay/relay.sock', 'ext4'],
  ['/proc/sys', 'proc'],
  ['/proc/keys', 'tmpfs'],
  ['/sys/fs/cgroup/memory', 'cgroup'],
];

/** What the inner engine adds for a running container, a build and a volume. */
const engine = [
  ['/var/lib/docker/overlay2/58590f1cf7d30e3cd04a1bea43b3eed2ac5c9917ec7df635328708ca4beab328/merged', 'overlay'],
  ['/run/docker/netns/ac2f8385d85c', 'nsfs'],
  [`/var/lib/docker/containers/${'a'.repeat(64)}/mounts/shm`, 'tmpfs'],
  ['/var/lib/docker/volumes/donnees/_data', 'tmpfs'],
  ['/var/lib/docker/buildkit/executor/abc/rootfs', 'overlay'],
];

function judge(mounts: string[][]): { status: number | null; stdout: string } {
  const file = path.join(dir, `mountinfo-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, mounts.map(([point, type], i) => line(i + 20, point ?? '', type ?? '')).join('\n') + '\n');
  const run = spawnSync('perl', [wrapper, '--mounts', '--mount-table', file, '--', 'true'], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout };
}

describe('sandbox-checker: the mount table', () => {
  it('judges a fresh sandbox, and one whose engine runs containers, builds and volumes', () => {
    expect(judge(fresh).status).toBe(0);
    expect(judge([...fresh, ...engine]).status).toBe(0);
  });

  it('lets the student mount on their own folders', () => {
    expect(judge([...fresh, ['/root/tp', 'tmpfs'], ['/tmp/x', 'tmpfs'], ['/mnt', 'tmpfs']]).status).toBe(0);
  });

  it.each([
    ['fake tools early in the PATH', '/usr/local/bin', 'tmpfs'],
    ['a fake docker over the real one', '/usr/bin/docker', 'ext4'],
    ['a fake engine over the socket', '/run/docker.sock', 'tmpfs'],
    ['the run folder replaced', '/run', 'tmpfs'],
    ['a second mount over the server’s terminal socket', '/opt/terminal-relay/relay.sock', 'tmpfs'],
    ['a mount over the socket’s folder', '/opt/terminal-relay', 'tmpfs'],
    ['a mount in /opt beside it', '/opt/outils', 'tmpfs'],
    ['the engine’s data replaced', '/var/lib/docker/image', 'tmpfs'],
    ['a tmpfs over a container’s files', '/var/lib/docker/overlay2/abc/merged', 'tmpfs'],
    ['the users of the sandbox replaced', '/etc/passwd', 'ext4'],
    ['a second root', '/', 'overlay'],
    ['libraries replaced', '/lib/x86_64-linux-gnu', 'tmpfs'],
    ['a folder with a space', '/usr/lib/faux dossier', 'tmpfs'],
  ])('refuses to judge with %s, and says where', (_, point, type) => {
    const { status, stdout } = judge([...fresh, ...engine, [point, type]]);
    expect(status).toBe(3);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^La vérification refuse de juger : .*\(umount\)/);
    expect(lines.at(-1)).toContain(`${point} (${type})`);
    expect(lines[0]).toBe(`::preuve:: vérification refusée, montage sur un dossier système : ${point} (${type})`);
  });
});

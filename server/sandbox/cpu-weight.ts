// The sandboxes' CPU weight against the server. Every sandbox is created under one parent
// cgroup, and that parent is given a small weight: on a busy machine a fork bomb, a memory hog
// and an output flood in three sandboxes then take what the server leaves, instead of leaving
// the server (which answers every student) what they leave. Each sandbox keeps its own CPU
// limit (NanoCpus) and its equal share among sandboxes; only their sum weighs less.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The cgroup all sandboxes are created under (a slice with systemd's cgroup driver). */
export const sandboxCgroupName = 'cours-docker-sandboxes';

export type CgroupDriver = 'cgroupfs' | 'systemd';

/** What HostConfig.CgroupParent takes for the engine's cgroup driver. */
export function sandboxCgroupParent(driver: CgroupDriver): string {
  return driver === 'systemd' ? `${sandboxCgroupName}.slice` : `/${sandboxCgroupName}`;
}

/**
 * cgroup v2 `cpu.weight` (1-10000, 100 for a default service) to cgroup v1 `cpu.shares`
 * (2-262144, 1024 for a default task), the scale systemd and runc use.
 */
export function weightToShares(weight: number): number {
  return Math.max(2, Math.round((weight * 1024) / 100));
}

/** The files that set the parent's weight, most likely first, for a cgroup fs mounted at `root`. */
export function weightFiles(
  root: string,
  version: '1' | '2',
  driver: CgroupDriver,
  weight: number,
): { file: string; value: string }[] {
  const group = driver === 'systemd' ? `${sandboxCgroupName}.slice` : sandboxCgroupName;
  if (version === '2') return [{ file: path.join(root, group, 'cpu.weight'), value: String(weight) }];
  const shares = String(weightToShares(weight));
  return ['cpu', 'cpu,cpuacct'].map((controller) => ({
    file: path.join(root, controller, group, 'cpu.shares'),
    value: shares,
  }));
}

/**
 * Writes the parent's weight; true once one of its files took it. False when the engine's
 * cgroups are not this machine's to write (a remote engine, a server that is not root): the
 * sandboxes then weigh what the engine gives them.
 */
export async function applySandboxWeight(
  files: { file: string; value: string }[],
): Promise<{ applied: boolean; error?: unknown }> {
  let error: unknown;
  for (const { file, value } of files) {
    try {
      await writeFile(file, value);
      return { applied: true };
    } catch (e) {
      error ??= e;
    }
  }
  return { applied: false, error };
}

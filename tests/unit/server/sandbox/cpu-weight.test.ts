// Unit tests of the sandboxes' CPU weight: the parent for each cgroup driver, the v1 shares for
// a v2 weight, and the weight written where the cgroup fs has it, or a clear no when it cannot be.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applySandboxWeight,
  sandboxCgroupParent,
  weightFiles,
  weightToShares,
} from '../../../../server/sandbox/cpu-weight.ts';

describe('sandbox CPU weight', () => {
  it('names the parent as each cgroup driver wants it', () => {
    expect(sandboxCgroupParent('cgroupfs')).toBe('/cours-docker-sandboxes');
    expect(sandboxCgroupParent('systemd')).toBe('cours-docker-sandboxes.slice');
  });

  it('turns a v2 weight into v1 shares on the scale of a default task', () => {
    expect(weightToShares(100)).toBe(1024);
    expect(weightToShares(25)).toBe(256);
    expect(weightToShares(1)).toBe(10);
    expect(weightToShares(0.1)).toBe(2);
  });

  it('writes the weight in the v1 cpu hierarchy that exists', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
    mkdirSync(path.join(root, 'cpu,cpuacct', 'cours-docker-sandboxes'), { recursive: true });
    const files = weightFiles(root, '1', 'cgroupfs', 25);
    expect(await applySandboxWeight(files)).toEqual({ applied: true });
    expect(readFileSync(path.join(root, 'cpu,cpuacct', 'cours-docker-sandboxes', 'cpu.shares'), 'utf8')).toBe('256');
  });

  it('writes cpu.weight of the slice on cgroup v2 with systemd', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
    mkdirSync(path.join(root, 'cours-docker-sandboxes.slice'));
    expect(await applySandboxWeight(weightFiles(root, '2', 'systemd', 25))).toEqual({ applied: true });
    expect(readFileSync(path.join(root, 'cours-docker-sandboxes.slice', 'cpu.weight'), 'utf8')).toBe('25');
  });

  it('says no, with the reason, when no file takes it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
    const result = await applySandboxWeight(weightFiles(root, '2', 'cgroupfs', 25));
    expect(result.applied).toBe(false);
    expect(String(result.error)).toContain('ENOENT');
  });
});

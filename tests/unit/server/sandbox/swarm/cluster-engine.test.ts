// Unit tests of how the swarm driver settles one way of running sandboxes from its nodes' facts.
import { describe, expect, it } from 'vitest';
import type { EngineFacts } from '../../../../../server/sandbox/container-spec.ts';
import { ClusterError } from '../../../../../server/sandbox/driver.ts';
import { clusterEngine } from '../../../../../server/sandbox/swarm/swarm-driver.ts';

const node = (facts: EngineFacts) => ({ facts });
const plain = node({ remapsUsers: false, isolation: 'none', cgroupDriver: 'cgroupfs' });
const remapping = node({
  remapsUsers: true,
  isolation: 'userns',
  cgroupDriver: 'cgroupfs',
  remappedRoot: { uid: 100000, gid: 100000 },
});
// What probeEngine says of a remapping node when SANDBOX_ISOLATION=none was asked.
const remappingAskedNone = node({ remapsUsers: true, isolation: 'none', cgroupDriver: 'cgroupfs' });

const reason = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof ClusterError ? error.reason : 'other';
  }
  return undefined;
};

describe('clusterEngine', () => {
  it('takes the facts the nodes agree on', () => {
    expect(clusterEngine([plain, plain, plain], 'auto')).toBe(plain);
    expect(clusterEngine([remapping, remapping], 'userns').facts.isolation).toBe('userns');
    expect(clusterEngine([plain], 'none').facts.isolation).toBe('none');
  });

  it('refuses nodes that differ: sandboxes would not be the same by where they land', () => {
    expect(reason(() => clusterEngine([plain, remapping], 'auto'))).toBe('nodes-differ');
    const systemd = node({ ...plain.facts, cgroupDriver: 'systemd' });
    expect(reason(() => clusterEngine([plain, systemd], 'auto'))).toBe('nodes-differ');
    // Remapped to other host ids: the inner engine's storage could not be given to both roots.
    const elsewhere = node({ ...remapping.facts, remappedRoot: { uid: 200000, gid: 200000 } });
    expect(reason(() => clusterEngine([remapping, elsewhere], 'auto'))).toBe('nodes-differ');
  });

  it('refuses SANDBOX_ISOLATION=none on nodes that remap: a service cannot opt out of it', () => {
    expect(reason(() => clusterEngine([remappingAskedNone, remappingAskedNone], 'none'))).toBe('remap-forced');
  });
});

// Which nodes take sandboxes, and the address each node's engine is reached at, from what the
// manager lists (its own status address may read 0.0.0.0).
import { describe, expect, it } from 'vitest';
import { nodeAddress, sandboxNodes, type SwarmNodeInfo } from '../../../../../server/sandbox/swarm/node-engines.ts';

const node = (id: string, over: Partial<SwarmNodeInfo> = {}): SwarmNodeInfo => ({
  ID: id,
  Spec: { Labels: { 'cours-docker.sandboxes': 'true' }, Availability: 'active' },
  Status: { State: 'ready', Addr: `10.0.0.${id.length}` },
  ...over,
});

describe('swarm nodes', () => {
  it('takes a node’s status address, or its manager address when the status reads 0.0.0.0', () => {
    expect(nodeAddress(node('a'))).toBe('10.0.0.1');
    expect(
      nodeAddress(node('m', { Status: { State: 'ready', Addr: '0.0.0.0' }, ManagerStatus: { Addr: '10.1.2.3:2377' } })),
    ).toBe('10.1.2.3');
    expect(nodeAddress(node('x', { Status: { State: 'ready' } }))).toBeUndefined();
  });

  it('counts only labelled nodes that are up, paused and drained ones included (they keep their own)', () => {
    const nodes = [
      node('ok'),
      node('unlabelled', { Spec: { Labels: {}, Availability: 'active' } }),
      node('down', { Status: { State: 'down', Addr: '10.0.0.9' } }),
      node('paused', { Spec: { Labels: { 'cours-docker.sandboxes': 'true' }, Availability: 'pause' } }),
      node('drained', { Spec: { Labels: { 'cours-docker.sandboxes': 'true' }, Availability: 'drain' } }),
    ];
    expect(sandboxNodes(nodes).map((n) => n.ID)).toEqual(['ok', 'paused', 'drained']);
  });
});

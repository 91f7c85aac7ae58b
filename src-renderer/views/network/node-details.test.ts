import { describe, expect, it } from 'vitest';
import type { TopologyNode } from './force-layout.js';
import { placeTopology } from './force-layout.js';
import { nodeDetails } from './TopologyGraph.js';

const peer: TopologyNode = { id: 'peer-1', role: 'peer', name: 'laptop', status: 'online', fileCount: 3, reputation: 61.6, address: '192.168.1.20:7070' };

describe('the Network view\u2019s hover line', () => {
  it('says where a node is reached when the index knows it', () => {
    expect(nodeDetails(peer, null)).toBe('laptop · peer · online · at 192.168.1.20:7070 · 3 files · reputation 62 of 100 · id peer-1');
    expect(nodeDetails({ ...peer, address: '[fd00::7]:7070' }, 'peer-1')).toContain('laptop (you) · peer · online · at [fd00::7]:7070 ·');
  });

  it('says nothing of an address it has not got, nor one that is already the name', () => {
    const { address: _address, ...unknown } = peer;
    expect(nodeDetails(unknown, null)).not.toContain(' at ');
    const member: TopologyNode = { id: 'index-b', role: 'index', name: '10.0.0.2:8080', status: 'offline', fileCount: 0, reputation: 0, address: '10.0.0.2:8080' };
    expect(nodeDetails(member, null)).toBe('10.0.0.2:8080 · index server · offline · 0 files · id index-b');
  });

  it('forgets an address a later answer no longer gives', () => {
    const first = placeTopology({ nodes: [peer], edges: [] }, new Map(), []);
    const { address: _address, ...without } = peer;
    const again = placeTopology({ nodes: [without], edges: [] }, new Map(first.nodes.map((n) => [n.id, n])), first.edges);
    expect(again.nodes[0]).toBe(first.nodes[0]); // the same object, position kept
    expect(again.nodes[0]?.address).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Topology } from '../../src-shared/api/index-routes.js';
import { createNodeClient } from '../bridge/node-client.js';
import { FakeTransport } from '../test-support/fake-transport.js';
import { createNetworkStore } from './network-store.js';

const topology = (status: 'online' | 'offline'): Topology => ({
  nodes: [{ id: 'index', role: 'index', name: 'seed', status, fileCount: 0, reputation: 100 }],
  edges: [],
});

describe('the topology poll', () => {
  it('keeps the old object for the same answer, and takes a changed one', async () => {
    let answer = topology('online');
    const store = createNetworkStore(createNodeClient(new FakeTransport({ getNetworkTopology: () => structuredClone(answer) })));
    await store.getState().loadTopology();
    const first = store.getState().topology;
    expect(first).toEqual(answer);
    await store.getState().loadTopology();
    expect(store.getState().topology).toBe(first);
    answer = topology('offline');
    await store.getState().loadTopology();
    expect(store.getState().topology).toEqual(answer);
    expect(store.getState().topology).not.toBe(first);
  });
});

// "Run as index server" on a peer that uses another index server (issue 16 item 7): its own index
// lists its files and shows in its Network view at once, the peer stays registered where it was,
// and when that index server dies, searches on the peer are answered from its own index at once.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let main: TestNode;
let mainAddress: string;
let peer: TestNode;
let ownPort: number;

const search = (address: string, q: string) => typedClient(indexRoutes, address).search({ query: { q } });

beforeAll(async () => {
  // The peer must still be online on the main index when the first test looks: with 300 ms
  // heartbeats a loaded machine could leave it silent for three intervals (offline until its next
  // beat). Nothing here waits for a heartbeat: the peer learns the main index died from its socket.
  main = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '5m' } });
  mainAddress = `127.0.0.1:${(await main.client.getIndexRole()).port}`;
  peer = await startTestNode({ peer: { super_peer_address: [mainAddress] } });
  await writeFile(join(peer.sharedDir, 'lighthouse-keeper-diary.txt'), 'a diary kept by the light');
  await pollUntil(async () => (await search(mainAddress, 'lighthouse')).total === 1, 'the peer\u2019s file on the main index');
});
afterAll(async () => {
  await peer.destroy();
  await main.destroy();
});

describe('a peer that turns on its own index', () => {
  it('lists its own files there and shows that index in its Network view at once, staying registered with the main one', async () => {
    const role = await peer.client.setIndexRole({ body: { enabled: true } });
    expect(role.state).toBe('on');
    if (role.port === null) throw new Error('the own index has no port');
    ownPort = role.port;
    // Within seconds: the role's start wakes the own listing (own-index-listing.ts), and an idle
    // listing looks at its list every 2 s anyway, which no wall-clock bound a loaded machine meets
    // tells apart from the wake (the 3 s one could not either). The poll's 10 s still fails a
    // listing that waits for the main client's rounds (30 s) or never registers.
    await pollUntil(async () => (await search(`127.0.0.1:${ownPort}`, 'lighthouse')).total === 1, 'the peer\u2019s file on its own index', 10_000);

    const topology = await pollUntil(async () => {
      const t = await peer.client.getNetworkTopology();
      return t.nodes.some((n) => n.role === 'index' && n.id === peer.id) && t;
    }, 'the own index in the topology', 10_000);
    expect(topology.nodes).toContainEqual(expect.objectContaining({ role: 'index', id: main.id }));
    expect(topology.edges).toContainEqual({ source: peer.id, target: main.id, kind: 'registration' });

    const connection = await peer.client.getIndexConnection();
    expect(connection.server).toBe(mainAddress);
    expect(connection.servers).toContainEqual(expect.objectContaining({ address: `127.0.0.1:${ownPort}`, source: 'self', state: 'registered' }));
    const onMain = await typedClient(indexRoutes, mainAddress).listPeers();
    expect(onMain.items.find((p) => p.peerId === peer.id)?.status).toBe('online');
  });

  it('answers searches from its own index at once when the main index server is gone', async () => {
    await main.stop();
    const started = Date.now();
    const found = await peer.client.searchNetwork({ query: { q: 'lighthouse' } });
    // Not after a timeout on the dead one: the node asks each index server for up to 5 s
    // (index-proxy.ts). Below that, with room for a loaded machine's slow round trips (2 s had little).
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(found.items.map((r) => r.name)).toEqual(['lighthouse-keeper-diary.txt']);
    expect(found.items[0]?.inLibrary).toBe(true);
  });
});

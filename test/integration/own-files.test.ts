// A peer's view of the network marks what it already has (issue 16): "In your library", and never
// itself as a source; a pasted file id opens that file. Real nodes: one index, two peers.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { freePort } from '../support/free-port.js';

let index: TestNode;
let a: TestNode;
let b: TestNode;

beforeAll(async () => {
  const indexPort = await freePort();
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: indexPort, heartbeat_interval: '300ms' } });
  const peer = { super_peer_address: [`127.0.0.1:${indexPort}`] };
  a = await startTestNode({ peer });
  b = await startTestNode({ peer });
  await writeFile(join(a.sharedDir, 'shared-by-both.txt'), 'both of us have this');
  await writeFile(join(b.sharedDir, 'shared-by-both.txt'), 'both of us have this');
  await writeFile(join(b.sharedDir, 'only-b.txt'), 'only b has this');
});
afterAll(async () => {
  await Promise.all([a, b, index].filter(Boolean).map((n) => n.destroy()));
});

describe('own files in network answers', () => {
  it('a file you share is "in your library", and you are not its source', async () => {
    const aId = (await a.client.getInfo()).id;
    const bId = (await b.client.getInfo()).id;
    const both = await pollUntil(async () => {
      const r = await a.client.searchNetwork({ query: { q: 'shared-by-both' } });
      return r.items[0]?.sourceCount === 1 && r.items[0].sources.length === 1 && r.items[0];
    }, 'both peers registered', 15_000);
    expect(both.inLibrary).toBe(true);
    expect(both.sources.map((s) => s.peerId)).toEqual([bId]);
    const onlyB = (await a.client.searchNetwork({ query: { q: 'only-b' } })).items[0];
    expect(onlyB?.inLibrary).toBe(false);
    expect(onlyB?.sources.map((s) => s.peerId)).toEqual([bId]);
    // b sees a as the source of the shared file, not itself.
    // (Polled: on a loaded machine a's 300 ms heartbeat can be late, and a briefly offline.)
    const fromB = await pollUntil(async () => {
      const item = (await b.client.searchNetwork({ query: { q: 'shared-by-both' } })).items[0];
      return item?.sources.length === 1 && item;
    }, 'a listed as the source to b', 15_000);
    expect(fromB.sources.map((s) => s.peerId)).toEqual([aId]);
  });

  it('a file id opens that file: details and sources; an unknown one is 404', async () => {
    const onlyB = await pollUntil(async () => (await a.client.searchNetwork({ query: { q: 'only-b' } })).items[0], 'indexed');
    const file = await a.client.getNetworkFile({ params: { fileId: onlyB.id } });
    expect(file).toMatchObject({ id: onlyB.id, name: 'only-b.txt', inLibrary: false, sourceCount: 1 });
    await expect(a.client.getNetworkFile({ params: { fileId: '0'.repeat(64) } })).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
    // Input the contract refuses is sent raw: the typed client would refuse it before it left.
    expect((await a.api('/api/v1/network/files/not-an-id')).status).toBe(400);
    await expect(a.publicClient.getNetworkFile({ params: { fileId: onlyB.id } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});

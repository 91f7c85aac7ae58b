// A small real network: one index server and up to three peers, all real nodes on port 0 in
// temporary folders. Peers register by themselves, push library changes, survive an index restart, and move
// to another index server when theirs turns its role off.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { freePort } from '../support/free-port.js';
import { sha256 } from '../support/sha256.js';
import { typedClient } from '../support/typed-client.js';

const indexSettings = (port: number) => ({ enabled: true, port, heartbeat_interval: '300ms', cleanup_interval: '30s' });
const connection = (n: TestNode) => n.client.getIndexConnection();
const searchAt = (port: number, q: string) => typedClient(indexRoutes, `127.0.0.1:${port}`).search({ query: { q } });

/** An index server and `count` peers using it, each sharing the common song and a video of its own. */
async function startNetwork(count: number) {
  const indexDir = await makeTempDir();
  const indexPort = await freePort();
  const startIndex = () => startTestNode({ root: indexDir.path, peer: { share: false }, superPeer: indexSettings(indexPort) });
  const net = {
    indexPort,
    index: await startIndex(),
    peers: [] as TestNode[],
    search: (q: string) => searchAt(indexPort, q),
    stopIndex: (): Promise<void> => net.index.stop(),
    /** The index again, on the same port and folder. */
    async startIndexAgain(): Promise<void> {
      net.index = await startIndex();
    },
    async destroy(): Promise<void> {
      await Promise.all(net.peers.map((p) => p.destroy()));
      await net.index.stop();
      await indexDir.remove();
    },
  };
  for (let i = 0; i < count; i++) {
    const peer = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${indexPort}`] } });
    await writeFile(join(peer.sharedDir, `common-song.mp3`), 'the same song everywhere');
    await writeFile(join(peer.sharedDir, `peer${i}-holidayVideo.mp4`), `video of peer ${i}`);
    net.peers.push(peer);
  }
  return net;
}
type Network = Awaited<ReturnType<typeof startNetwork>>;

// Each test builds the network it needs: none reads what another left (a stopped peer, a restarted
// or role-less index).
let network: Network | undefined;
afterEach(async () => {
  await network?.destroy();
  network = undefined;
});

// A network's start (hashing, registering) takes seconds on a busy machine, and each test has one.
describe('a network of real nodes', { timeout: 60_000 }, () => {
  it('peers register by themselves and their files are found, grouped by content', async () => {
    const { peers, search, indexPort } = (network = await startNetwork(3));
    await pollUntil(async () => (await search('common')).items[0]?.sourceCount === 3, 'three sources of the common song', 30_000);
    // Each peer hashes and sends its files on its own schedule: wait for the videos too.
    const videos = await pollUntil(async () => {
      const found = await search('holiday video');
      return found.total === 3 && found;
    }, 'three holiday videos', 15_000);
    expect(videos.total).toBe(3);
    for (const peer of peers) expect((await connection(peer)).state).toBe('registered');
    const [song] = (await search('common')).items;
    expect(song?.id).toBe(sha256('the same song everywhere'));
    // The redirect leads to a real peer that serves the bytes (raw: followed, and the bytes read).
    const res = await fetch(`http://127.0.0.1:${indexPort}/api/v1/download/${song?.id}`);
    expect(await res.text()).toBe('the same song everywhere');
  });

  it('a library change reaches the index within seconds', async () => {
    const { peers, search } = (network = await startNetwork(1));
    await pollUntil(async () => (await search('common')).total === 1, 'the first files indexed', 30_000);
    await writeFile(join(peers[0]!.sharedDir, 'brand-new-report.pdf'), '%PDF-1.7 new');
    await pollUntil(async () => (await search('brand')).total === 1, 'new file indexed', 10_000);
  });

  it('a stopped peer leaves the results; the redirect picks an online source', async () => {
    const { peers, search, indexPort } = (network = await startNetwork(3));
    await pollUntil(async () => (await search('common')).items[0]?.sourceCount === 3, 'three sources', 30_000);
    await peers[2]!.destroy();
    const online = peers.slice(0, 2);
    await pollUntil(async () => (await search('common')).items[0]?.sourceCount === 2, 'two sources left', 10_000);
    expect((await search('peer2')).total).toBe(0);
    const [song] = (await search('common')).items;
    // Raw: the redirect's Location header is what is checked.
    const res = await fetch(`http://127.0.0.1:${indexPort}/api/v1/download/${song?.id}`, { redirect: 'manual' });
    const location = res.headers.get('location') ?? '';
    expect(online.map((p) => `${p.url}/api/v1/download/${song?.id}`)).toContain(location);
  });

  it('after an index restart, peers register again by themselves', async () => {
    const net = (network = await startNetwork(2));
    await pollUntil(async () => (await net.search('common')).items[0]?.sourceCount === 2, 'two sources', 30_000);
    await net.stopIndex();
    await pollUntil(async () => (await connection(net.peers[0]!)).state === 'backoff', 'peer notices', 10_000);
    await net.startIndexAgain();
    await pollUntil(async () => (await net.search('common')).items[0]?.sourceCount === 2, 'peers back', 20_000);
    for (const peer of net.peers) await pollUntil(async () => (await connection(peer)).state === 'registered', 'registered again', 10_000);
  });

  it('moves to the next index server when its index turns the role off', async () => {
    const { index, indexPort, search } = (network = await startNetwork(0));
    const spare = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '300ms' } });
    const sparePort = (await spare.client.getIndexRole()).port;
    if (sparePort === null) throw new Error('the spare index did not start');
    const mover = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${indexPort}`, `127.0.0.1:${sparePort}`] } });
    try {
      await writeFile(join(mover.sharedDir, 'mover-file.txt'), 'moving along');
      await pollUntil(async () => (await connection(mover)).server === `127.0.0.1:${indexPort}`, 'on the first index', 30_000);
      await pollUntil(async () => (await search('mover')).total === 1, 'indexed on the first', 30_000);
      await index.client.setIndexRole({ body: { enabled: false } });
      await pollUntil(async () => (await connection(mover)).server === `127.0.0.1:${sparePort}`, 'moved to the spare', 10_000);
      const found = await searchAt(sparePort, 'mover');
      expect(found.total).toBe(1);
    } finally {
      await mover.destroy();
      await spare.destroy();
    }
  });
});

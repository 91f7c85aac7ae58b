// A small real network: one index server and three peers, all real nodes on port 0 in temporary
// folders. Peers register by themselves, push library changes, survive an index restart, and move
// to another index server when theirs turns its role off.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../src-shared/api/index-routes.js';
import type { IndexConnectionView } from '../../src-shared/api/peer-routes.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { freePort } from '../support/free-port.js';
import { sha256 } from '../support/sha256.js';


let indexDir: { path: string; remove(): Promise<void> };
let index: TestNode;
let indexPort: number;
const peers: TestNode[] = [];
const indexSettings = () => ({ enabled: true, port: indexPort, heartbeat_interval: '300ms', cleanup_interval: '30s' });
const search = async (q: string) => (await (await fetch(`http://127.0.0.1:${indexPort}/api/v1/files/search?${q}`)).json()) as SearchResponse;
const connection = (n: TestNode) => n.json<IndexConnectionView>('/api/v1/index-servers');

beforeAll(async () => {
  indexDir = await makeTempDir();
  indexPort = await freePort();
  index = await startTestNode({ root: indexDir.path, peer: { share: false }, superPeer: indexSettings() });
  for (let i = 0; i < 3; i++) {
    const peer = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${indexPort}`] } });
    await writeFile(join(peer.sharedDir, `common-song.mp3`), 'the same song everywhere');
    await writeFile(join(peer.sharedDir, `peer${i}-holidayVideo.mp4`), `video of peer ${i}`);
    peers.push(peer);
  }
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.destroy()));
  await index.stop();
  await indexDir.remove();
});

describe('a network of real nodes', () => {
  it('peers register by themselves and their files are found, grouped by content', async () => {
    await pollUntil(async () => (await search('q=common')).items[0]?.sourceCount === 3, 'three sources of the common song', 15_000);
    // Each peer hashes and sends its files on its own schedule: wait for the videos too.
    const videos = await pollUntil(async () => {
      const found = await search('q=holiday+video');
      return found.total === 3 && found;
    }, 'three holiday videos', 15_000);
    expect(videos.total).toBe(3);
    for (const peer of peers) expect((await connection(peer)).state).toBe('registered');
    const [song] = (await search('q=common')).items;
    expect(song?.id).toBe(sha256('the same song everywhere'));
    // The redirect leads to a real peer that serves the bytes.
    const res = await fetch(`http://127.0.0.1:${indexPort}/api/v1/download/${song?.id}`);
    expect(await res.text()).toBe('the same song everywhere');
  });

  it('a library change reaches the index within seconds', async () => {
    const [first] = peers;
    await writeFile(join((first as TestNode).sharedDir, 'brand-new-report.pdf'), '%PDF-1.7 new');
    await pollUntil(async () => (await search('q=brand')).total === 1, 'new file indexed', 10_000);
  });

  it('a stopped peer leaves the results; the redirect picks an online source', async () => {
    const gone = peers.pop() as TestNode;
    await gone.destroy();
    await pollUntil(async () => (await search('q=common')).items[0]?.sourceCount === 2, 'two sources left', 10_000);
    expect((await search('q=peer2')).total).toBe(0);
    const [song] = (await search('q=common')).items;
    const res = await fetch(`http://127.0.0.1:${indexPort}/api/v1/download/${song?.id}`, { redirect: 'manual' });
    const location = res.headers.get('location') ?? '';
    expect(peers.map((p) => `${p.url}/api/v1/download/${song?.id}`)).toContain(location);
  });

  it('after an index restart, peers register again by themselves', async () => {
    await index.stop();
    await pollUntil(async () => (await connection(peers[0] as TestNode)).state === 'backoff', 'peer notices', 10_000);
    index = await startTestNode({ root: indexDir.path, peer: { share: false }, superPeer: indexSettings() });
    await pollUntil(async () => (await search('q=common')).items[0]?.sourceCount === 2, 'peers back', 20_000);
    for (const peer of peers) await pollUntil(async () => (await connection(peer)).state === 'registered', 'registered again', 10_000);
  });

  it('moves to the next index server when its index turns the role off', async () => {
    const spare = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '300ms' } });
    const sparePort = (await spare.json<{ port: number }>('/api/v1/settings/index-role')).port;
    const mover = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${indexPort}`, `127.0.0.1:${sparePort}`] } });
    try {
      await writeFile(join(mover.sharedDir, 'mover-file.txt'), 'moving along');
      await pollUntil(async () => (await connection(mover)).server === `127.0.0.1:${indexPort}`, 'on the first index', 10_000);
      await pollUntil(async () => (await search('q=mover')).total === 1, 'indexed on the first', 10_000);
      await index.api('/api/v1/settings/index-role', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"enabled":false}' });
      await pollUntil(async () => (await connection(mover)).server === `127.0.0.1:${sparePort}`, 'moved to the spare', 10_000);
      const found = (await (await fetch(`http://127.0.0.1:${sparePort}/api/v1/files/search?q=mover`)).json()) as SearchResponse;
      expect(found.total).toBe(1);
    } finally {
      await mover.destroy();
      await spare.destroy();
    }
  });
});

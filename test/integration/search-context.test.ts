// What a search finds besides the name (issue 16): the folders a file is in inside the shared
// folder, and the category and extension its chips show. Real nodes: one index, two peers.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { freePort } from '../support/free-port.js';
import { typedClient } from '../support/typed-client.js';

let index: TestNode;
let indexPort: number;
const peers: TestNode[] = [];
const search = (q: string) => typedClient(indexRoutes, `127.0.0.1:${indexPort}`).search({ query: { q } });

beforeAll(async () => {
  indexPort = await freePort();
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: indexPort, heartbeat_interval: '300ms' } });
  for (const album of ['Homework (1997)', 'Discovery (2001)']) {
    const peer = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${indexPort}`] } });
    const folder = join(peer.sharedDir, 'Music', 'Daft Punk', album);
    await mkdir(folder, { recursive: true });
    // Same name, different content: only the folder tells them apart.
    await writeFile(join(folder, '01 - Track.mp3'), `a track of ${album}`);
    peers.push(peer);
  }
});
afterAll(async () => {
  await Promise.all([...peers, index].filter(Boolean).map((n) => n.destroy()));
});

describe('search context', () => {
  it('finds files by the folders they are in, shows those folders, and never the path above the shared folder', async () => {
    const found = await pollUntil(async () => {
      const r = await search('daft punk');
      return r.total === 2 && r;
    }, 'both tracks found by their folder', 15_000);
    const folders = found.items.flatMap((i) => i.folders ?? []).sort();
    expect(folders).toEqual(['Music/Daft Punk/Discovery (2001)', 'Music/Daft Punk/Homework (1997)']);
    expect(found.items.every((i) => i.name === '01 - Track.mp3')).toBe(true);
    expect((await search('homework')).items.map((i) => i.folders)).toEqual([['Music/Daft Punk/Homework (1997)']]);
    // The temp folder above the shared one is never sent.
    const above = peers[0]?.sharedDir.split(/[\\/]/).filter(Boolean).at(-2) ?? '';
    expect(above.length).toBeGreaterThan(0);
    expect(JSON.stringify(found)).not.toContain(above);
  });

  it('a peer shows the folder in its library and finds it in its own search', async () => {
    const peer = peers[0] as TestNode;
    const own = await peer.client.searchLocal({ query: { q: 'daft punk' } });
    expect(own.items.map((f) => f.folder)).toEqual(['Music/Daft Punk/Homework (1997)']);
    // Words above the shared folder do not match.
    const above = peer.sharedDir.split(/[\\/]/).filter(Boolean).at(-2) ?? '';
    expect((await peer.client.searchLocal({ query: { q: above } })).total).toBe(0);
  });

  it('the index refuses a folder that climbs out of the shared folder or is absolute', async () => {
    const base = { peerId: 'hostile-peer-1', name: 'x', port: 9, protocol: 2 };
    const file = { id: 'a'.repeat(64), name: 'x.txt', size: 1, mime: 'text/plain', category: 'document', tags: [], pieceSize: 262144 };
    // Raw: the contract refuses these folders (and this peer id) before they leave.
    for (const folder of ['../etc', '/home/alice', 'a/../../b', 'C:', 'a\\b', 'x'.repeat(600)]) {
      const res = await fetch(`http://127.0.0.1:${indexPort}/api/v1/peers/register`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...base, files: [{ ...file, folder }] }),
      });
      expect(res.status, folder).toBe(400);
    }
  });

  it('the category and extension chips match as words: "audio" and "mp3" find the tracks', async () => {
    await pollUntil(async () => (await search('daft')).total === 2, 'indexed', 15_000);
    expect((await search('audio')).total).toBe(2);
    expect((await search('mp3')).total).toBe(2);
    expect((await search('audio homework')).total).toBe(1);
    expect((await search('video')).total).toBe(0);
    // Excluding a category word excludes its files.
    expect((await search('daft -audio')).total).toBe(0);
  });
});

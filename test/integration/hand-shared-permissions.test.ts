// Sharing permissions on paths shared by hand (issue 14): a file or folder outside the shared
// folder, shared by its path, is a root of its own and is restricted like the shared folder. A
// file shared by hand before its folder was stays its own root, so its access can differ from the
// folder's. Every channel is asked: the peer's listings, search, file, pieces, torrent, bytes and
// counts, the index (search, file, Metalink, torrent, redirect, topology), and another node's
// download, which only the chosen device's node gets.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { requestAs } from '../support/node-tls-client.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let n: TestNode;
let mate: TestNode;
let outsider: TestNode;
let indexBase: string;
let diaryPath: string;
let photosDir: string;
let innerPath: string;
const inFolder = randomContent(60_000);
const diary = randomContent(150_000);
const photo = randomContent(80_000);
const inner = randomContent(70_000);
const boxOpen = randomContent(40_000);
const friend = NodeKey.generate();
const stranger = NodeKey.generate();

const index = () => typedClient(indexRoutes, indexBase);
const indexIds = async () => (await index().listFiles({ query: { pageSize: 200 } })).items.map((r) => r.id).sort();
const listingOf = (answer: { json(): unknown }) => peerRoutes.listFiles.response.parse(answer.json());
const rootOf = async (path: string) => (await n.client.listSharedRoots()).items.find((r) => r.path === path);
const publicIds = [inFolder.id, boxOpen.id].sort();

beforeAll(async () => {
  [n, mate, outsider] = await Promise.all([
    startTestNode({ superPeer: { enabled: true, heartbeat_interval: '1s' } }),
    startTestNode({ peer: { auto_register: false } }),
    startTestNode({ peer: { auto_register: false } }),
  ]);
  indexBase = `http://127.0.0.1:${n.indexRole.status().port}`;
  await writeFile(join(n.sharedDir, 'in-folder.txt'), inFolder.data);
  // A file shared by itself.
  await mkdir(join(n.root, 'elsewhere'));
  diaryPath = join(n.root, 'elsewhere', 'diary-private.txt');
  await writeFile(diaryPath, diary.data);
  // A folder shared by hand.
  photosDir = join(n.root, 'photos');
  await mkdir(photosDir);
  await writeFile(join(photosDir, 'beach-private.jpg'), photo.data);
  // A file shared by hand, then its folder: the file stays a root of its own.
  const box = join(n.root, 'box');
  await mkdir(box);
  innerPath = join(box, 'inner-private.txt');
  await writeFile(innerPath, inner.data);
  await writeFile(join(box, 'box-open.txt'), boxOpen.data);
  await n.client.shareFiles({ body: { path: diaryPath } });
  await n.client.shareFiles({ body: { path: photosDir } });
  await n.client.shareFiles({ body: { path: innerPath } });
  await n.client.shareFiles({ body: { path: box } });
  await pollUntil(async () => (await n.client.listFiles()).total === 5, 'all five files hashed');
  await pollUntil(async () => (await indexIds()).length === 5, 'the index to list all five');

  await n.client.setRootAccess({ body: { path: diaryPath, access: 'devices', devices: [friend.id, mate.id] } });
  await n.client.setRootAccess({ body: { path: photosDir, access: 'devices', devices: [] } });
  await n.client.setRootAccess({ body: { path: innerPath, access: 'devices', devices: [friend.id] } });
}, 40_000);
afterAll(async () => {
  await Promise.all([n?.destroy(), mate?.destroy(), outsider?.destroy()]);
});

describe('paths shared by hand, restricted', () => {
  it('are listed as roots with their access and device count, the nested file apart from its folder', async () => {
    expect(await rootOf(diaryPath)).toMatchObject({ kind: 'file', sharedFolder: false, access: 'devices', devices: [friend.id, mate.id], fileCount: 1 });
    expect(await rootOf(photosDir)).toMatchObject({ kind: 'folder', access: 'devices', devices: [], fileCount: 1 });
    expect(await rootOf(innerPath)).toMatchObject({ kind: 'file', access: 'devices', devices: [friend.id] });
    expect(await rootOf(join(n.root, 'box'))).toMatchObject({ kind: 'folder', access: 'everyone', fileCount: 1 });
  });

  it('are gone from the peer\u2019s public listings, search, file, pieces, torrent, bytes and counts', async () => {
    const page = await n.publicClient.listFiles();
    expect(page.items.map((f) => f.id).sort()).toEqual(publicIds);
    expect((await n.publicClient.searchLocal({ query: { q: 'private' } })).total).toBe(0);
    for (const fileId of [diary.id, photo.id, inner.id]) {
      const asked: [string, () => Promise<unknown>][] = [
        ['file', () => n.publicClient.getFile({ params: { fileId } })],
        ['pieces', () => n.publicClient.getPieces({ params: { fileId } })],
        ['torrent', () => n.publicClient.getTorrent({ params: { fileId } })],
        ['bytes', () => n.publicClient.download({ params: { fileId } })],
      ];
      for (const [what, ask] of asked) await expect(ask(), what).rejects.toMatchObject({ status: 404 });
    }
    expect((await n.publicClient.getInfo()).fileCount).toBe(2);
    expect((await n.publicClient.getStats()).files).toBe(2);
  });

  it('leave the index: search, file, Metalink, torrent, redirect and topology counts', async () => {
    await pollUntil(async () => (await indexIds()).length === 2, 'the index to drop the restricted files');
    expect(await indexIds()).toEqual(publicIds);
    expect((await index().search({ query: { q: 'private' } })).items).toEqual([]);
    for (const fileId of [diary.id, photo.id, inner.id]) {
      const params = { fileId };
      const asked: [string, () => Promise<unknown>][] = [
        ['file', () => index().getFile({ params })],
        ['metalink', () => index().metalink({ params })],
        ['torrent', () => index().torrent({ params })],
        ['redirect', () => index().download({ params })],
      ];
      for (const [what, ask] of asked) await expect(ask(), what).rejects.toMatchObject({ status: 404 });
    }
    expect((await index().topology()).nodes.find((node) => node.id === n.id)?.fileCount).toBe(2);
  });

  it('are served to the devices they are shared with, by their keys, and to no other', async () => {
    const asFriend = await requestAs(friend, n.port, '/api/v1/files');
    expect(listingOf(asFriend).items.map((f) => f.id).sort()).toEqual([...publicIds, diary.id, inner.id].sort());
    const bytes = await requestAs(friend, n.port, `/api/v1/download/${inner.id}`);
    expect(bytes.status).toBe(200);
    expect(bytes.body.equals(inner.data)).toBe(true);
    // The folder shared with no device: nobody but the local user.
    expect((await requestAs(friend, n.port, `/api/v1/download/${photo.id}`)).status).toBe(404);
    expect(listingOf(await requestAs(stranger, n.port, '/api/v1/files')).items.map((f) => f.id).sort()).toEqual(publicIds);
    expect((await requestAs(stranger, n.port, `/api/v1/download/${diary.id}`)).status).toBe(404);
    expect((await n.api(`/api/v1/download/${diary.id}`, { auth: false, headers: { 'x-shoal-peer': friend.id } })).status).toBe(404);
  });

  it('a chosen device\u2019s node downloads the file shared by hand; another node is told it is not shared', async () => {
    const peer = `127.0.0.1:${n.port}`;
    const started = await startDownload(mate, { fileId: diary.id, peer });
    expect((await waitForDownload(mate, started.id, 'completed')).state).toBe('completed');
    await expect(outsider.client.startDownload({ body: { fileId: diary.id, peer } })).rejects.toMatchObject({ status: 404 });
  }, 30_000);

  it('stay restricted when unshared and shared again by the same path', async () => {
    await n.client.unshareFile({ params: { fileId: diary.id } });
    await n.client.shareFiles({ body: { path: diaryPath } });
    await pollUntil(async () => (await n.client.listFiles()).items.some((f) => f.id === diary.id), 'the diary shared again');
    expect(await rootOf(diaryPath)).toMatchObject({ access: 'devices', devices: [friend.id, mate.id] });
    await expect(n.publicClient.getFile({ params: { fileId: diary.id } })).rejects.toMatchObject({ status: 404 });
    // The index hears of changes in batches: a public file shared after the diary shows when the
    // batch holding the diary's reshare has been sent, so the index is looked at after it.
    const marker = randomContent(30_000);
    await writeFile(join(n.sharedDir, 'marker.txt'), marker.data);
    await pollUntil(async () => (await indexIds()).includes(marker.id), 'a file shared after the diary at the index');
    expect(await indexIds()).toEqual([...publicIds, marker.id].sort());
    await rm(join(n.sharedDir, 'marker.txt'));
    await pollUntil(async () => !(await indexIds()).includes(marker.id) && !(await n.client.listFiles()).items.some((f) => f.id === marker.id), 'the marker gone');
  });

  it('come back everywhere when shared with everyone again', async () => {
    for (const path of [diaryPath, photosDir, innerPath]) await n.client.setRootAccess({ body: { path, access: 'everyone', devices: [] } });
    expect((await n.publicClient.listFiles()).total).toBe(5);
    await pollUntil(async () => (await indexIds()).length === 5, 'the index to list all five again');
  });
});

// File sharing permissions (issue 14): a shared folder (or a path shared by hand) is shared with
// everyone or only with some devices. A restricted file does not exist for anyone else on any
// channel: the peer's listings, search, file, pieces, torrent, bytes, /info and /stats counts, the
// public /ws, and the index (search, file, Metalink, torrent, redirect, topology counts), because it
// is never announced. It is served only to a request authenticated as one of those devices (its
// TLS client key).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SharedRoot } from '../../src-shared/api/access.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { requestAs } from '../support/node-tls-client.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const json = { 'content-type': 'application/json' };

let n: TestNode;
let indexBase: string;
let openDir: string;
const secret = randomContent(200_000);
const later = randomContent(50_000);
const open = randomContent(100_000);
const friend = NodeKey.generate();
const stranger = NodeKey.generate();
const publicMessages: string[] = [];
let ws: WebSocket;

const index = () => typedClient(indexRoutes, indexBase);
const indexSearch = (q: string) => index().search({ query: { q } });
const indexIds = async () => (await index().listFiles({ query: { pageSize: 200 } })).items.map((r) => r.id);
/** A listing answered over the device's TLS (raw: the client key is what is tested), read with the route's schema. */
const listingOf = (answer: { json(): unknown }) => peerRoutes.listFiles.response.parse(answer.json());

const setAccess = (path: string, access: 'everyone' | 'devices', devices: string[] = []): Promise<SharedRoot> =>
  n.client.setRootAccess({ body: { path, access, devices } });
const sharedFolderOf = async (node: TestNode) => (await node.client.listSharedRoots()).items.find((r) => r.sharedFolder)!;

beforeAll(async () => {
  n = await startTestNode({ superPeer: { enabled: true, heartbeat_interval: '1s' } });
  indexBase = `http://127.0.0.1:${n.indexRole.status().port}`;
  await writeFile(join(n.sharedDir, 'secret-plan.pdf'), secret.data);
  openDir = join(n.root, 'open');
  await mkdir(openDir);
  await writeFile(join(openDir, 'open-notes.txt'), open.data);
  await n.client.shareFiles({ body: { path: openDir } });
  await pollUntil(async () => (await n.client.listFiles()).total === 2, 'both files hashed');
  await pollUntil(async () => (await indexIds()).length === 2, 'the index to list both');
  ws = new WebSocket(`${n.url.replace('http', 'ws')}/ws`);
  ws.on('message', (data: Buffer) => publicMessages.push(data.toString('utf8')));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
}, 30_000);
afterAll(async () => {
  ws?.terminate();
  await n?.destroy();
});

describe('shared roots', () => {
  it('lists the shared folder and the folder shared by hand, shared with everyone by default', async () => {
    const { items } = await n.client.listSharedRoots();
    expect(items.map((r) => [r.access, r.sharedFolder, r.fileCount])).toEqual(expect.arrayContaining([['everyone', true, 1], ['everyone', false, 1]]));
  });

  it('refuses a path that is not a root, and a bad device id', async () => {
    await expect(setAccess(join(n.root, 'data'), 'everyone')).rejects.toMatchObject({ status: 404 });
    // Raw: the contract refuses the id before it leaves.
    const badId = await n.api('/api/v1/library/roots/access', { method: 'PUT', headers: json, body: JSON.stringify({ path: openDir, access: 'devices', devices: ['NOT-AN-ID'] }) });
    expect(badId.status).toBe(400);
    await expect(n.publicClient.listSharedRoots()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});

describe('a folder shared only with one device', () => {
  beforeAll(async () => {
    const root = await sharedFolderOf(n);
    const view = await setAccess(root.path, 'devices', [friend.id]);
    expect(view).toMatchObject({ access: 'devices', devices: [friend.id] });
    // A file added afterwards is restricted too.
    await writeFile(join(n.sharedDir, 'later-secret.bin'), later.data);
    await pollUntil(async () => (await n.client.listFiles()).total === 3, 'the later file hashed');
  }, 20_000);

  it('is gone from the peer\u2019s public listings, search, file, pieces, torrent and bytes', async () => {
    const page = await n.publicClient.listFiles();
    expect(page.items.map((f) => f.id)).toEqual([open.id]);
    expect(page.total).toBe(1);
    expect((await n.publicClient.searchLocal({ query: { q: 'secret' } })).total).toBe(0);
    const stranger = n.publicClient;
    for (const fileId of [secret.id, later.id]) {
      const asked: [string, () => Promise<unknown>][] = [
        ['file', () => stranger.getFile({ params: { fileId } })],
        ['pieces', () => stranger.getPieces({ params: { fileId } })],
        ['torrent', () => stranger.getTorrent({ params: { fileId } })],
        ['bytes', () => stranger.download({ params: { fileId } })],
        ['bytes by name', () => stranger.downloadAs({ params: { fileId, fileName: 'x.pdf' } })],
      ];
      for (const [what, ask] of asked) await expect(ask(), what).rejects.toMatchObject({ status: 404 });
    }
  });

  it('is not counted in /info and the public /stats', async () => {
    const info = await n.publicClient.getInfo();
    expect([info.fileCount, info.totalBytes]).toEqual([1, open.data.length]);
    const stats = await n.publicClient.getStats();
    expect([stats.files, stats.totalBytes]).toEqual([1, open.data.length]);
  });

  it('leaves the public /ws as a removal, is never named on it, and a file never public is never mentioned', async () => {
    const removed = publicMessages.map((m) => JSON.parse(m) as { type: string; data: { id: string } }).filter((m) => m.type === 'library_file_removed');
    expect(removed.map((m) => m.data.id)).toContain(secret.id);
    for (const message of publicMessages) expect(message).not.toMatch(/secret/);
    // A file that was never public: not even its id (an update nor a removal) reaches strangers.
    for (const message of publicMessages) expect(message).not.toContain(later.id);
  });

  it('leaves the index: search, file, Metalink, torrent, redirect and topology counts', async () => {
    await pollUntil(async () => !(await indexIds()).includes(secret.id), 'the index to drop the restricted file');
    expect(await indexIds()).toEqual([open.id]);
    expect((await indexSearch('secret')).items).toEqual([]);
    for (const id of [secret.id, later.id]) {
      const params = { fileId: id };
      const asked: [string, () => Promise<unknown>][] = [
        ['file', () => index().getFile({ params })],
        ['metalink', () => index().metalink({ params })],
        ['torrent', () => index().torrent({ params })],
        ['redirect', () => index().download({ params })], // the client never follows one: a 302 would be its own status
      ];
      for (const [what, ask] of asked) await expect(ask(), what).rejects.toMatchObject({ status: 404 });
    }
    const topology = await index().topology();
    expect(topology.nodes.find((node) => node.id === n.id)?.fileCount).toBe(1);
  });

  it('still shows the local user everything', async () => {
    expect((await n.client.listFiles()).total).toBe(3);
  });

  it('serves it to the device it is shared with, authenticated by its key, and to no other', async () => {
    // Raw, over TLS with the device's key: who asks is what is tested.
    const asFriend = await requestAs(friend, n.port, '/api/v1/files');
    expect(asFriend.status).toBe(200);
    expect(listingOf(asFriend).items.map((f) => f.id).sort()).toEqual([open.id, secret.id, later.id].sort());
    const bytes = await requestAs(friend, n.port, `/api/v1/download/${secret.id}`);
    expect(bytes.status).toBe(200);
    expect(bytes.body.equals(secret.data)).toBe(true);
    expect((await requestAs(friend, n.port, `/api/v1/files/${secret.id}/pieces`)).status).toBe(200);
    expect((await requestAs(friend, n.port, `/api/v1/files/${secret.id}/torrent`)).status).toBe(200);

    const asStranger = await requestAs(stranger, n.port, '/api/v1/files');
    expect(listingOf(asStranger).items.map((f) => f.id)).toEqual([open.id]);
    expect((await requestAs(stranger, n.port, `/api/v1/download/${secret.id}`)).status).toBe(404);
    // Saying you are the friend proves nothing.
    expect((await n.api(`/api/v1/download/${secret.id}`, { auth: false, headers: { 'x-shoal-peer': friend.id } })).status).toBe(404);
  });

  it('comes back everywhere when shared with everyone again', async () => {
    const root = await sharedFolderOf(n);
    await setAccess(root.path, 'everyone');
    expect((await n.publicClient.listFiles()).total).toBe(3);
    await pollUntil(async () => (await indexIds()).length === 3, 'the index to list all three again');
  });
});

describe('between Shoal nodes', () => {
  it('the chosen device\u2019s node downloads a restricted file from the peer\u2019s address; another node is told it is not shared', async () => {
    const source = await startTestNode({ peer: { auto_register: false } });
    const mate = await startTestNode({ peer: { auto_register: false } });
    const outsider = await startTestNode({ peer: { auto_register: false } });
    try {
      const file = randomContent(300_000);
      await writeFile(join(source.sharedDir, 'holiday.mov'), file.data);
      await pollUntil(async () => (await source.client.listFiles()).total === 1, 'the source to hash its file');
      const root = (await source.client.listSharedRoots()).items[0]!;
      await source.client.setRootAccess({ body: { path: root.path, access: 'devices', devices: [mate.id] } });
      const peer = `127.0.0.1:${source.port}`;
      const started = await startDownload(mate, { fileId: file.id, peer });
      expect((await waitForDownload(mate, started.id, 'completed')).state).toBe('completed');
      await expect(outsider.client.startDownload({ body: { fileId: file.id, peer } })).rejects.toMatchObject({ status: 404, message: expect.stringContaining('does not share this file') });
    } finally {
      await outsider.destroy();
      await mate.destroy();
      await source.destroy();
    }
  }, 60_000);
});

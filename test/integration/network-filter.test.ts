// Network-level filtering (issue 14): security.allowed_networks / blocked_networks on the peer
// and index ports, live from Settings; the local user is never locked out; blocked addresses are
// never listed as sources by the index (file, search, redirect, Metalink, torrent) nor used by a
// downloader. Linux answers on all of 127/8, so a node bound to 127.0.0.2 is "another machine".
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import type { NodeCallError } from '../../src-main/core/net/contract-transport.js';
import { loadOrCreateNodeKey } from '../../src-main/core/identity/node-key.js';
import { downloadView, randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { signedRegistration } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const json = { 'content-type': 'application/json' };
/** The catalogue code of a raw answer (requests sent raw on purpose). */
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

const setNetworks = (node: TestNode, body: { allowedNetworks?: string[]; blockedNetworks?: string[] }) => node.client.setNetworkSettings({ body });

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('the peer port', () => {
  let n: TestNode;
  beforeAll(async () => {
    n = await startTestNode({ security: { blocked_networks: ['127.0.0.0/8'] } });
  });
  afterAll(() => n.destroy());

  it('refuses a stranger in a blocked network with 403 NETWORK_BLOCKED, before anything else', async () => {
    // Raw: a path no route has, and a download, are refused the same way before any route is chosen.
    for (const path of ['/api/v1/files', '/api/v1/info', '/api/v1/download/' + '0'.repeat(64), '/api/v1/nothing-here']) {
      const res = await n.api(path, { auth: false });
      expect(res.status, path).toBe(403);
      expect(await errorCode(res)).toBe('NETWORK_BLOCKED');
    }
    expect(await upgradeStatus(`${n.url.replace('http', 'ws')}/ws`)).toBe(403);
  });

  it('never locks the local user out: token requests, their /ws and the UI page are served', async () => {
    await n.client.listFiles();
    await n.client.getNetworkSettings();
    expect(await upgradeStatus(`${n.url.replace('http', 'ws')}/ws?token=${n.token}`)).toBe(101);
    expect((await n.api('/', { auth: false })).status).not.toBe(403); // the UI page is no route of the contract
  });

  it('changes live from Settings, and validates what it is given', async () => {
    expect(await setNetworks(n, { blockedNetworks: [] })).toEqual({ allowedNetworks: [], blockedNetworks: [], allowPlainHttp: true });
    await n.publicClient.listFiles(); // answered (the client throws on a refusal)
    // An allow list that leaves loopback out: strangers there are refused too.
    await setNetworks(n, { allowedNetworks: ['10.0.0.0/8', 'fd00::/8'] });
    await expect(n.publicClient.listFiles()).rejects.toMatchObject({ status: 403, code: 'NETWORK_BLOCKED' });
    await setNetworks(n, { allowedNetworks: ['127.0.0.1', '::1/128'] });
    await n.publicClient.listFiles(); // answered (the client throws on a refusal)
    // Sent raw: the contract refuses these networks, so the typed client would not send them.
    for (const bad of ['10.0.0.0/33', 'example.com', '1.2.3.4/8/8', '::g/8']) {
      const res = await n.api('/api/v1/settings/networks', { method: 'PUT', headers: json, body: JSON.stringify({ blockedNetworks: [bad] }) });
      expect(res.status, bad).toBe(400);
    }
    expect(await n.client.getNetworkSettings()).toEqual({ allowedNetworks: ['127.0.0.1', '::1/128'], blockedNetworks: [], allowPlainHttp: true });
  });

  it('keeps a change across a restart (the config gives only the starting lists)', async () => {
    const again = await startTestNode({ root: n.root, security: { blocked_networks: ['127.0.0.0/8'] } }).catch(async (err: unknown) => {
      throw err;
    });
    try {
      expect(await again.client.getNetworkSettings()).toEqual({ allowedNetworks: ['127.0.0.1', '::1/128'], blockedNetworks: [], allowPlainHttp: true });
    } finally {
      await again.stop();
    }
  });
});

describe('sources in blocked networks', () => {
  let index: TestNode;
  let source: TestNode;
  let downloader: TestNode;
  let fileId: string;
  let data: Buffer;
  let indexBase: string;
  // Raw, for the Metalink and torrent documents, which are read as text.
  const indexGet = (path: string) => fetch(`${indexBase}${path}`, { headers: { authorization: `Bearer ${index.token}` }, redirect: 'manual' });
  /** The index's API as its local user (the token), whom the filter never refuses. */
  const indexApi = () => typedClient(indexRoutes, indexBase, index.token);

  beforeAll(async () => {
    // The source registers by hand once and never heartbeats: with minutes between heartbeats it
    // stays online for the whole describe (at 1 s it went offline 3 s after registering, before a
    // loaded machine got to the last test's download).
    index = await startTestNode({ superPeer: { enabled: true, heartbeat_interval: '10m' }, peer: { auto_register: false } });
    indexBase = `http://127.0.0.1:${index.indexRole.status().port}`;
    // The source lives at 127.0.0.2 and registers there by hand (its key, its address).
    source = await startTestNode({ peer: { host: '127.0.0.2', auto_register: false } });
    const content = randomContent(300_000);
    fileId = content.id;
    data = content.data;
    await writeFile(join(source.sharedDir, 'report.pdf'), data);
    const sourceApi = typedClient(peerRoutes, `http://127.0.0.2:${source.port}`);
    const file = await pollUntil(async () => (await sourceApi.listFiles()).items[0], 'the source to hash its file');
    const key = await loadOrCreateNodeKey(source.dataDir);
    const stranger = typedClient(indexRoutes, indexBase);
    await stranger.register({ body: signedRegistration(key, {
      name: 'far away', port: source.port, address: '127.0.0.2',
      files: [{ id: file.id, name: file.name, size: file.size, mime: file.mime, category: file.category, tags: file.tags, pieceSize: file.pieceSize }],
    }, await stranger.challenge()) });
    downloader = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${index.indexRole.status().port}`], auto_register: false } });
  }, 30_000);
  afterAll(async () => {
    await downloader?.destroy();
    await source?.destroy();
    await index?.destroy();
  });

  it('are listed while their network is allowed', async () => {
    const found = await indexApi().getFile({ params: { fileId } });
    expect(found.sources.map((s) => s.url)).toEqual([`http://127.0.0.2:${source.port}/api/v1/download/${fileId}`]);
  });

  it('leave every list of the index once their network is blocked', async () => {
    await setNetworks(index, { blockedNetworks: ['127.0.0.2/32'] });
    try {
      const found = await indexApi().getFile({ params: { fileId } });
      expect(found.sources).toEqual([]);
      const search = await indexApi().search({ query: { q: 'report' } });
      expect(search.items.flatMap((r) => r.sources)).toEqual([]);
      // The client never follows a redirect: a 302 would be an HTTP_ERROR with its status.
      const redirect = await indexApi().download({ params: { fileId } }).then(() => undefined, (err: NodeCallError) => err);
      expect(redirect?.status).not.toBe(302); // 503 NO_SOURCE_ONLINE, or 404 once the federation knows no other
      expect(['NO_SOURCE_ONLINE', 'FILE_NOT_FOUND']).toContain(redirect?.code);
      for (const doc of ['metalink', 'torrent']) {
        const res = await indexGet(`/api/v1/files/${fileId}/${doc}`);
        expect(await res.text(), doc).not.toContain('127.0.0.2');
      }
      // Nor may it register from there again.
      const key = await loadOrCreateNodeKey(source.dataDir);
      const stranger = typedClient(indexRoutes, indexBase);
      const again = signedRegistration(key, { name: 'far away', port: source.port, address: '127.0.0.2', files: [] }, await stranger.challenge());
      await expect(stranger.register({ body: again })).rejects.toMatchObject({ status: 403, code: 'NETWORK_BLOCKED' });
    } finally {
      await setNetworks(index, { blockedNetworks: [] });
    }
  });

  it('are left out of what a federated index server passes on', async () => {
    const federated = await startTestNode({
      superPeer: { enabled: true, federation: [`127.0.0.1:${index.indexRole.status().port}`] }, peer: { auto_register: false },
      security: { blocked_networks: ['127.0.0.2'] },
    });
    try {
      const there = typedClient(indexRoutes, `http://127.0.0.1:${federated.indexRole.status().port}`);
      const sourcesThere = () => there.getFile({ params: { fileId } }).then(
        (found) => found.sources.map((s) => s.url),
        (err: NodeCallError) => {
          if (err.status === 404) return [];
          throw err;
        },
      );
      expect(await sourcesThere()).toEqual([]);
      const search = await there.search({ query: { q: 'report' } });
      expect(search.items.flatMap((r) => r.sources)).toEqual([]);
      await setNetworks(federated, { blockedNetworks: [] });
      expect(await sourcesThere()).toEqual([`http://127.0.0.2:${source.port}/api/v1/download/${fileId}`]);
    } finally {
      await federated.destroy();
    }
  });

  it('are skipped by a downloader that blocks them, and used once it no longer does', async () => {
    await setNetworks(downloader, { blockedNetworks: ['127.0.0.2'] });
    const started = await startDownload(downloader, { fileId });
    await pollUntil(async () => {
      const d = await downloadView(downloader, started.id);
      return d.sources.length === 0 && d.state !== 'completed';
    }, 'the download to find no usable source');
    await setNetworks(downloader, { blockedNetworks: [] });
    const done = await waitForDownload(downloader, started.id, 'completed', 30_000);
    expect(done.state).toBe('completed');
  }, 40_000);
});

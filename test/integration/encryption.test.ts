// Node-to-node encryption (issue 14): TLS 1.3 authenticated by the node keys, against real nodes
// and men in the middle (test/support/tcp-proxies.ts). An observer on the path sees neither file
// bytes nor names; a proxy with another key is refused by name; a downgrade to plain HTTP is
// refused; plain HTTP stays for curl-style clients unless switched off.
import { readFile, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import type { CallInput } from '../../src-shared/api/contract-client.js';
import type { peerRoutes } from '../../src-shared/api/peer-routes.js';
import type { DownloadView } from '../../src-shared/api/transfers.js';
import type { NodeCallError } from '../../src-main/core/net/contract-transport.js';
import { ConnectionError, SourceConnection } from '../../src-main/core/downloads/source-connection.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { NodeDialer } from '../../src-main/core/net/node-dialer.js';
import { NodeTls, PeerIdentityError } from '../../src-main/core/net/node-tls.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { sha256 } from '../support/sha256.js';
import { pollUntil } from '../support/poll.js';
import { downgradingProxy, keySwappingProxy, recordingProxy, type Proxy } from '../support/tcp-proxies.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const MiB = 1024 * 1024;
const NAME = 'quarterly-secret-plans.bin';
const file = randomContent(3 * MiB);
const nodes: TestNode[] = [];
const proxies: Proxy[] = [];
let source: TestNode; // encrypting, plain HTTP allowed (the defaults)
let strict: TestNode; // security.allow_plain_http off
let downloader: TestNode; // encrypting
let plainDownloader: TestNode; // security.enable_encryption off

async function node(o: Parameters<typeof startTestNode>[0] = {}): Promise<TestNode> {
  const n = await startTestNode(o);
  nodes.push(n);
  return n;
}

async function sharing(o: Parameters<typeof startTestNode>[0] = {}): Promise<TestNode> {
  const n = await node(o);
  await writeFile(join(n.sharedDir, NAME), file.data);
  await pollUntil(async () => (await n.client.listFiles()).total === 1, 'the source to hash its file');
  return n;
}

async function proxy<P extends Proxy>(made: Promise<P>): Promise<P> {
  const p = await made;
  proxies.push(p);
  return p;
}

/**
 * How many of 64 slices (32 bytes each, spread over the file) appear in `seen`. Each lies within
 * one piece: pieces are asked in runs whose length depends on timing, so the bytes on either side
 * of a piece boundary may come in two answers, with the second one's headers between them.
 */
function slicesOfFileIn(seen: Buffer): number {
  const pieceSize = pieceSizeFor(file.data.length);
  let found = 0;
  for (let i = 0; i < 64; i++) {
    const spread = Math.floor((i * (file.data.length - 32)) / 63);
    const at = Math.min(spread, (Math.floor(spread / pieceSize) + 1) * pieceSize - 32);
    if (seen.includes(file.data.subarray(at, at + 32))) found++;
  }
  return found;
}

/** A download the node refuses to start: nobody it asked could be used. Why, as the node says it. */
async function refusedStart(n: TestNode, body: CallInput<typeof peerRoutes['startDownload']>['body']): Promise<string> {
  const err = await n.client.startDownload({ body }).then(() => undefined, (e: NodeCallError) => e);
  expect(err?.status).toBe(404);
  // The client's message is "<host> answered <status> <code>: <the node's message>": the node's part.
  return err?.message.replace(/^\S+ answered 404 \S+: /, '') ?? '';
}

beforeAll(async () => {
  [source, strict, downloader, plainDownloader] = await Promise.all([
    sharing(),
    sharing({ security: { allow_plain_http: false } }),
    node(),
    node({ security: { enable_encryption: false } }),
  ]);
}, 60_000);

afterAll(async () => {
  for (const p of proxies) await p.close();
  await Promise.all(nodes.map((n) => n.destroy()));
});

describe('between two encrypting nodes', () => {
  it('a recording proxy on the path sees neither the file\u2019s bytes nor its name', async () => {
    const observer = await proxy(recordingProxy(source.port));
    const started = await startDownload(downloader, { fileId: file.id, peer: observer.address });
    const done = await waitForDownload(downloader, started.id, 'completed');
    // The source knows who fetched it: the downloader's node id, proven by its TLS certificate.
    // Asked first: the row leaves the list 5 s after the last range (upload-tracker.ts LINGER_MS),
    // and the checks below read and scan megabytes, slow on a loaded machine.
    const uploads = await source.client.listUploads();
    expect(uploads.items).toContainEqual(expect.objectContaining({ fileId: file.id, peerId: downloader.id, encrypted: true }));
    expect(sha256(await readFile(done.path!))).toBe(sha256(file.data));
    expect(done.sources).toEqual([expect.objectContaining({ peerId: source.id, encrypted: true })]);

    const seen = observer.recorded();
    expect(seen.length).toBeGreaterThan(file.data.length); // the whole file crossed the proxy...
    expect(slicesOfFileIn(seen)).toBe(0); // ...and none of it readable
    expect(seen.includes(NAME)).toBe(false);
    expect(seen.includes(file.id)).toBe(false); // nor which file it was (the id is in every request's path)
  });

  it('(the same proxy reads everything when the downloader does not encrypt: it does record)', async () => {
    const observer = await proxy(recordingProxy(source.port));
    const started = await startDownload(plainDownloader, { fileId: file.id, peer: observer.address, name: 'plain-copy.bin' });
    const done = await waitForDownload(plainDownloader, started.id, 'completed');
    expect(done.sources[0]?.encrypted).toBe(false);
    const seen = observer.recorded();
    expect(slicesOfFileIn(seen)).toBe(64);
    expect(seen.includes(NAME)).toBe(true);
  });

  it('a proxy presenting another key is refused, naming the node expected and the one presented, before any request', async () => {
    const mitm = await proxy(keySwappingProxy(source.port));
    // A download from its address: /info (relayed) says the source's id, the TLS key is the proxy's.
    expect(await refusedStart(downloader, { fileId: file.id, peer: mitm.address })).toMatch(/did not prove over TLS that it is the node/);

    // The download client pinned to the source's id (as the index lists it) never sends its request.
    const tls = await NodeTls.create(NodeKey.generate());
    const before = mitm.recorded().length;
    const connection = new SourceConnection(new URL(`http://${mitm.address}/api/v1/download/${file.id}`), { tls, expect: source.id });
    const refused = await connection.request(`/api/v1/download/${file.id}`, { range: 'bytes=0-99' }).then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect((refused as ConnectionError).code).toBe('PEER_IDENTITY_MISMATCH');
    expect((refused as Error).message).toContain(`expected ${source.id.slice(0, 7)} (${source.id})`);
    expect((refused as Error).message).toContain(`presented ${mitm.id.slice(0, 7)} (${mitm.id})`);
    // The JSON client too, with the catalogue error.
    const json = await new NodeDialer(tls).call(`http://${mitm.address}/api/v1/files/${file.id}/pieces`, {}, { node: source.id }).then(() => null, (err: unknown) => err);
    expect(json).toBeInstanceOf(PeerIdentityError);
    expect((json as PeerIdentityError).code).toBe('PEER_IDENTITY_MISMATCH');
    expect(mitm.recorded().length).toBe(before); // not one byte of either request reached it
  });

  it('a downgrade to plain HTTP is refused: the TLS handshake fails and nothing is sent in the clear', async () => {
    const stripper = await proxy(downgradingProxy(source.port));
    expect(await refusedStart(downloader, { fileId: file.id, peer: stripper.address })).toMatch(/ERR_SSL/);

    const tls = await NodeTls.create(NodeKey.generate());
    const connection = new SourceConnection(new URL(`http://${stripper.address}/api/v1/download/${file.id}`), { tls, expect: source.id });
    const refused = await connection.request(`/api/v1/download/${file.id}`, { range: 'bytes=0-99' }).then(() => null, (err: unknown) => err);
    expect((refused as Error).message).toMatch(/no TLS connection .*not asked in plain HTTP/);
    expect(stripper.forwarded).toBe(0); // no plain request ever went through
  });
});

describe('with an index server', () => {
  it('registration, heartbeats and lookups cross encrypted; the index calls the peer back over TLS; downloads via the index are pinned', async () => {
    const index = await node({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '500ms' } });
    const indexPort = (await index.client.getIndexRole()).port;
    if (indexPort === null) throw new Error('the index role did not start');
    const observer = await proxy(recordingProxy(indexPort));
    const other = randomContent(1 * MiB);
    const otherName = 'board-minutes-draft.bin';
    // It refuses plain HTTP: the index's call-back can only have reached it over TLS.
    const peer = await node({ peer: { super_peer_address: [observer.address] }, security: { allow_plain_http: false } });
    await writeFile(join(peer.sharedDir, otherName), other.data);
    const indexApi = typedClient(indexRoutes, `127.0.0.1:${indexPort}`);
    await pollUntil(
      () => indexApi.getFile({ params: { fileId: other.id } }).then((found) => found.sourceCount === 1),
      'the index to list the peer as a source', 20_000,
    );

    const fetcher = await node({ peer: { super_peer_address: [observer.address] } });
    const started = await startDownload(fetcher, { fileId: other.id });
    const done = await waitForDownload(fetcher, started.id, 'completed');
    expect(done.sources).toEqual([expect.objectContaining({ peerId: peer.id, encrypted: true })]);

    const seen = observer.recorded();
    expect(seen.length).toBeGreaterThan(0);
    for (const secret of [otherName, other.id, '/api/v1/peers/register', peer.id]) expect(seen.includes(secret)).toBe(false);
  });
});

describe('plain HTTP (curl, aria2c, web seeds)', () => {
  it('downloads when allowed', async () => {
    const res = await fetch(`${source.url}/api/v1/download/${file.id}`);
    expect(res.status).toBe(200);
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(file.data));
  });

  it('is refused when switched off, except to the local user; TLS clients and encrypting nodes still get the file', async () => {
    // Raw: a download and a piece list are refused the same way as any JSON route.
    for (const path of [`/api/v1/download/${file.id}`, '/api/v1/info', `/api/v1/files/${file.id}/pieces`]) {
      const res = await fetch(`${strict.url}${path}`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PLAIN_HTTP_REFUSED');
    }
    await strict.client.listDownloads(); // the local user, with the token, in plain
    expect((await fetch(`${strict.url}/`)).status).not.toBe(403); // the UI's page on loopback

    // `curl -k https://…`: TLS without a node certificate is a stranger, served as one.
    const status = await new Promise<number>((resolve, reject) => {
      httpsGet(`https://127.0.0.1:${strict.port}/api/v1/info`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(200);

    const encrypted = await startDownload(downloader, { fileId: file.id, peer: `127.0.0.1:${strict.port}`, name: 'from-strict.bin' });
    const done: DownloadView = await waitForDownload(downloader, encrypted.id, 'completed');
    expect(done.sources[0]?.encrypted).toBe(true);

    expect(await refusedStart(plainDownloader, { fileId: file.id, peer: `127.0.0.1:${strict.port}`, name: 'refused.bin' })).toMatch(/answered 403/);
  });

  it('is switched off and on live from Settings, by the local user only', async () => {
    const put = (allowPlainHttp: boolean) => source.client.setNetworkSettings({ body: { allowPlainHttp } });
    expect((await source.client.getNetworkSettings()).allowPlainHttp).toBe(true);
    // Downloads stay raw: plain HTTP as curl sends it.
    expect((await put(false)).allowPlainHttp).toBe(false);
    const refused = await fetch(`${source.url}/api/v1/download/${file.id}`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('PLAIN_HTTP_REFUSED');
    expect((await put(true)).allowPlainHttp).toBe(true);
    expect((await fetch(`${source.url}/api/v1/download/${file.id}`)).status).toBe(200);
    // Only the local user, with the token.
    await expect(source.publicClient.setNetworkSettings({ body: { allowPlainHttp: false } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});

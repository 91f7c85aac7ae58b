// GET /api/v1/files/{fileId}/metalink with real nodes and a real client no one here wrote: an
// index and three peers share the same 8 MiB file, and aria2c downloads it from the Metalink,
// from several peers at once, verifying it against the SHA-256 the peers computed while idle.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import type { ContractApi } from '../../src-shared/api/contract-client.js';
import { randomBytes } from 'node:crypto';
import { randomContent } from '../support/downloads.js';
import { sha256 } from '../support/sha256.js';
import { referenceTree } from '../support/reference-tree.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { PieceLists } from '../../src-main/core/index/piece-lists.js';
import { infoAnswer, isInfoRequest, signedRegistration } from '../support/signed-registration.js';
import { typedClient } from '../support/typed-client.js';
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { NodeTls } from '../../src-main/core/net/node-tls.js';
import { NodeKey, loadOrCreateNodeKey } from '../../src-main/core/identity/node-key.js';

const run = promisify(execFile);
const ARIA2C = '/usr/bin/aria2c';
const hasAria2c = existsSync(ARIA2C);
// .ci/run installs aria2 (it runs as root); only elsewhere may the test be skipped.
const skipAria2c = !hasAria2c && process.getuid?.() !== 0;
if (skipAria2c) console.warn('metalink.test.ts: aria2c is not installed (apt-get install aria2); skipping the aria2c download');

const FILE = ((f) => ({ ...f, sha256: sha256(f.data) }))(randomContent(8 * 1024 * 1024 + 4321)); // 33 pieces of 256 KiB, the last one short
const NAME = 'holiday <&"> video.mkv';
const PEER_HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
let index: TestNode;
let indexUrl: string;
let idx: ContractApi<typeof indexRoutes>;
const peers: TestNode[] = [];

// Raw: a Metalink is XML, read with its headers; its refusals are JSON, asserted through the client.
const metalinkUrl = (fileId: string) => `${indexUrl}/api/v1/files/${fileId}/metalink`;
const metalinkRefused = (fileId: string) => idx.metalink({ params: { fileId } });
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: true, isArray: (name) => ['url', 'hash'].includes(name) });

interface ParsedMetalink {
  metalink: {
    '@_xmlns': string;
    file: {
      '@_name': string;
      size: number;
      hash: { '#text': string; '@_type': string }[];
      pieces?: unknown;
      url: { '#text': string; '@_priority': number }[];
    };
  };
}

/** A peer's own address (TestNode.url says 127.0.0.1). */
const peerUrl = (peer: TestNode) => `http://${PEER_HOSTS[peers.indexOf(peer)]}:${peer.port}`;
/** The peer's public API at its own address. */
const peerApi = (peer: TestNode) => typedClient(peerRoutes, peerUrl(peer));
const bytesSent = async (peer: TestNode) => (await peerApi(peer).getStats()).uploads.bytesSent;

/**
 * aria2c counts connections per host name, not per port: peers on one address would get one
 * connection between them. So each peer listens on its own loopback address (127.0.0.2, .3, .4)
 * and registers it as its reachable `address`, the way a peer behind NAT does; the observed address
 * would be 127.0.0.1 for all of them. The registration is the peer's own library, sent as its index
 * client would.
 */
async function registerWithAddress(peer: TestNode, address: string): Promise<void> {
  const info = await peerApi(peer).getInfo();
  const { items } = await peerApi(peer).listFiles({ query: { pageSize: 200 } });
  const files = items.map((f) => ({ id: f.id, name: f.name, size: f.size, mime: f.mime, category: f.category, tags: f.tags, pieceSize: f.pieceSize }));
  const key = await loadOrCreateNodeKey(peer.dataDir); // the peer's own key: it answers the call-back with it
  await idx.register({ body: signedRegistration(key, { name: info.name, port: info.port, address, files }, await idx.challenge()) });
}

beforeAll(async () => {
  // A long heartbeat interval: these registrations stay online for the whole test without heartbeats.
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '5m' } });
  const indexPort = (await index.client.getIndexRole()).port;
  indexUrl = `http://127.0.0.1:${indexPort}`;
  idx = typedClient(indexRoutes, indexUrl);
  peers.push(...await Promise.all(PEER_HOSTS.map((host) => startTestNode({ peer: { host } }))));
  for (const peer of peers) await writeFile(join(peer.sharedDir, NAME), FILE.data);
  for (const [i, peer] of peers.entries()) {
    await pollUntil(async () => (await peerApi(peer).getInfo()).fileCount === 1, 'the file hashed', 20_000);
    await registerWithAddress(peer, PEER_HOSTS[i] as string);
  }
  // The SHA-256 a Metalink needs is computed in the background once the peers are idle.
  for (const peer of peers) {
    await pollUntil(async () => (await peerApi(peer).getFile({ params: { fileId: FILE.id } })).sha256 === FILE.sha256, 'the SHA-256 computed', 20_000);
  }
  const file = await idx.getFile({ params: { fileId: FILE.id } });
  if (file.sourceCount !== 3) throw new Error(`expected three sources, the index has ${file.sourceCount}`);
}, 60_000);

afterAll(async () => {
  await Promise.all([...peers, index].map((n) => n.destroy()));
});

describe('GET /api/v1/files/{fileId}/metalink', () => {
  it('is a Metalink 4 document with every source and the SHA-256, and no piece hashes (tree nodes mean nothing to aria2c)', async () => {
    const res = await fetch(metalinkUrl(FILE.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/metalink4\+xml/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=.*\.meta4/);
    const xml = await res.text();
    const doc = parser.parse(xml) as ParsedMetalink;
    expect(doc.metalink['@_xmlns']).toBe('urn:ietf:params:xml:ns:metalink');
    const file = doc.metalink.file;
    // A safe base name: the characters XML would choke on were escaped, those no OS accepts replaced.
    expect(file['@_name']).toBe('holiday ____ video.mkv');
    expect(file.size).toBe(FILE.data.length);
    expect(file.hash).toEqual([{ '@_type': 'sha-256', '#text': FILE.sha256 }]);
    expect(file.pieces).toBeUndefined();
    const urls = file.url.map((u) => u['#text']).sort();
    expect(urls).toEqual(peers.map((p) => `${peerUrl(p)}/api/v1/download/${FILE.id}`).sort());
    expect(file.url.map((u) => u['@_priority'])).toEqual([1, 2, 3]);
  });

  it('answers 404 for an unknown file and 400 for a bad id', async () => {
    await expect(metalinkRefused('0'.repeat(64))).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
    // Raw: the typed client refuses a malformed id before it leaves.
    const bad = await fetch(metalinkUrl('not-a-file-id'));
    expect(bad.status).toBe(400);
  });

  it.skipIf(skipAria2c)('lets aria2c download from several peers at once, verifying the SHA-256', async () => {
    if (!hasAria2c) throw new Error('aria2c is missing: run .ci/run (it installs aria2) or apt-get install aria2');
    const out = await makeTempDir();
    try {
      const before = await Promise.all(peers.map(bytesSent));
      await run(ARIA2C, [
        '--no-conf', '--follow-metalink=mem', '--split=3', '--max-connection-per-server=1', '--min-split-size=1M',
        '--check-integrity=true', '--file-allocation=none', '--console-log-level=warn', '--summary-interval=0',
        '--allow-overwrite=false', '--auto-file-renaming=false', `--dir=${out.path}`, metalinkUrl(FILE.id),
      ], { timeout: 60_000 });
      expect((await readFile(join(out.path, 'holiday ____ video.mkv'))).equals(FILE.data)).toBe(true);
      const served = (await Promise.all(peers.map(bytesSent))).map((after, i) => after - (before[i] ?? 0));
      expect(served.filter((bytes) => bytes > 0).length).toBeGreaterThan(1);
    } finally {
      await out.remove();
    }
  }, 90_000);

  it('answers 502 when no source sends a list that proves the id, 503 until one tells the SHA-256 or when none is online; never trusts a peer', async () => {
    const liar = await startLyingPeer();
    try {
      const size = 5 * 1024 * 1024 + 7; // 21 pieces of 256 KiB
      const tree = referenceTree(randomBytes(size));
      const fileId = tree.root;
      let token = await liar.register(fileId, size);
      const good = { id: fileId, size, pieceSize: 256 * 1024, pieces: tree.layer };
      const forged = [...tree.layer];
      forged[7] = sha256('a piece of something else');
      const answers: [string, (res: ServerResponse) => void][] = [
        ['not JSON', (res) => res.end('<html>hello</html>')],
        ['the wrong shape', (res) => res.end(JSON.stringify({ ...good, pieces: 'nope' }))],
        ['another file', (res) => res.end(JSON.stringify({ ...good, id: sha256('other') }))],
        ['another piece size', (res) => res.end(JSON.stringify({ ...good, pieceSize: 512 * 1024, pieces: good.pieces.slice(0, 11) }))],
        ['too few pieces', (res) => res.end(JSON.stringify({ ...good, pieces: good.pieces.slice(1) }))],
        ['a layer that does not prove the id', (res) => res.end(JSON.stringify({ ...good, pieces: forged }))],
        ['an error', (res) => res.writeHead(500).end('{}')],
        ['an endless body', (res) => endless(res)],
        ['nothing at all', () => undefined], // hangs until the index's timeout
      ];
      for (const [what, answer] of answers) {
        liar.answer = answer;
        await expect(metalinkRefused(fileId), what).rejects.toMatchObject({ status: 502, code: 'NO_PIECE_LIST' });
      }
      // A proven list without the SHA-256 makes no Metalink: aria2c could not verify what it got.
      liar.answer = (res) => res.end(JSON.stringify(good));
      await expect(metalinkRefused(fileId)).rejects.toMatchObject({ status: 503, code: 'CHECKSUM_NOT_READY' });
      // Once the source tells it, the Metalink is served, then comes from the cache.
      const claimed = sha256('the whole content, as the source says');
      liar.answer = (res) => res.end(JSON.stringify({ ...good, sha256: claimed }));
      const asked = liar.requests;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(metalinkUrl(fileId));
        expect(res.status).toBe(200);
        expect(await res.text()).toContain(claimed);
      }
      expect(liar.requests).toBe(asked + 1);

      // A file of one piece: its piece hash is its id, anything else is a lie.
      const small = sha256('a small file');
      token = await liar.register(small, 12);
      liar.answer = (res) => res.end(JSON.stringify({ id: small, size: 12, pieceSize: 256 * 1024, pieces: [sha256('something else')], sha256: small }));
      await expect(metalinkRefused(small)).rejects.toMatchObject({ status: 502 });
      liar.answer = (res) => res.end(JSON.stringify({ id: small, size: 12, pieceSize: 256 * 1024, pieces: [small], sha256: small }));
      expect((await fetch(metalinkUrl(small))).status).toBe(200);

      await typedClient(indexRoutes, indexUrl, token).unregister({ body: { peerId: liar.peerId } });
      // It was the file's only source: the file leaves the index with it (docs/security.md, "What the index believes").
      await expect(metalinkRefused(small)).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
    } finally {
      await liar.close();
    }
  }, 30_000);
});

describe('the piece-list cache', () => {
  it('stays within its bounds in files and bytes, whatever peers send', async () => {
    const liar = await startLyingPeer();
    try {
      const size = 1024 * 1024; // 4 pieces: 128 bytes of digests
      const trees = new Map(Array.from({ length: 10 }, () => referenceTree(randomBytes(size))).map((t) => [t.root, t.layer]));
      const ids = [...trees.keys()];
      liar.answer = (res, req) => {
        const id = /files\/([0-9a-f]{64})\/pieces/.exec(req.url ?? '')?.[1] ?? '';
        res.end(JSON.stringify({ id, size, pieceSize: 256 * 1024, pieces: trees.get(id) }));
      };
      const source = (id: string) => [`http://127.0.0.1:${liar.port}/api/v1/download/${id}`];
      const byEntries = new PieceLists({ maxEntries: 3 });
      const byBytes = new PieceLists({ maxCachedBytes: 300 });
      for (const id of ids) {
        expect((await byEntries.get(id, size, source(id)))?.pieces).toHaveLength(4);
        expect((await byBytes.get(id, size, source(id)))?.pieces).toHaveLength(4);
      }
      expect(byEntries.cacheStats).toEqual({ entries: 3, bytes: 3 * 128 });
      expect(byBytes.cacheStats).toEqual({ entries: 2, bytes: 2 * 128 });
      // The most recent files are the ones kept.
      const asked = liar.requests;
      await byEntries.get(ids[9]!, size, source(ids[9]!));
      expect(liar.requests).toBe(asked);
    } finally {
      await liar.close();
    }
  });
});

interface LyingPeer {
  peerId: string;
  port: number;
  answer: (res: ServerResponse, req: IncomingMessage) => void;
  requests: number;
  register(fileId: string, size: number): Promise<string>;
  close(): Promise<void>;
}

/** A real HTTP server posing as a peer: its piece-list answers are whatever the test sets. */
async function startLyingPeer(): Promise<LyingPeer> {
  const sockets = new Set<Socket>();
  const liarKey = NodeKey.generate();
  const peer: LyingPeer = {
    peerId: liarKey.id,
    port: 0,
    answer: (res) => res.end(),
    requests: 0,
    register: async (fileId, size) => {
      const registered = await idx.register({ body: signedRegistration(liarKey, {
        name: 'liar', port: peer.port, address: '127.0.0.1',
        files: [{ id: fileId, name: 'fake.bin', size, mime: 'application/octet-stream', category: 'other', tags: [], pieceSize: 256 * 1024 }],
      }, await idx.challenge()) });
      return registered.sessionToken;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((req, res) => {
    // It answers the index's call-back honestly: the lie is in what it serves.
    if (isInfoRequest(req.url)) return void res.setHeader('content-type', 'application/json').end(JSON.stringify(infoAnswer(liarKey, req.url)));
    peer.requests++;
    peer.answer(res, req);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  acceptTlsToo(server, (await NodeTls.create(liarKey)).serverOptions); // the index calls back over TLS
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.port = (server.address() as AddressInfo).port;
  return peer;
}

/** Writes megabytes of a JSON-looking body until the reader goes away. */
function endless(res: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  res.write('{"id":"');
  const more = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more);
  };
  res.on('error', () => undefined);
  more();
}
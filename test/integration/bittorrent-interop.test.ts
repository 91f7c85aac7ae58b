// Shoal files in a real BitTorrent client no one here wrote: an index and two peers share a file of
// several pieces and a file of one piece; libtorrent 2.0 loads the index's (and a peer's) .torrent,
// downloads from the Shoal peers as HTTP web seeds, checks every piece against the tree, and
// names the file by the Shoal id (its pieces root).
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import bencode from 'bencode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTorrent } from '../../src-main/cli/torrent-command.js';
import { TreeBuilder } from '../../src-main/core/hashing/merkle-tree.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { hasLibtorrent, libtorrentDownload, LIBTORRENT_MISSING, skipLibtorrent } from '../support/libtorrent.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

/** Random bytes and their Shoal id (the BEP 52 pieces root). */
function content(size: number): { data: Buffer; id: string } {
  const data = randomBytes(size);
  const tree = new TreeBuilder(size, pieceSizeFor(size));
  tree.update(data);
  return { data, id: tree.finish().root.toString('hex') };
}

const BIG = { name: 'holiday video.mkv', ...content(3 * 1024 * 1024 + 12_345) }; // 13 pieces of 256 KiB, the last short
const SMALL = { name: 'notes.txt', ...content(100_000) }; // one piece: no piece layer
let index: TestNode;
let indexAddress: string;
const peers: TestNode[] = [];
let out: { path: string; remove(): Promise<void> };

const torrentUrl = (base: string, fileId: string) => `${base}/api/v1/files/${fileId}/torrent`;

interface DecodedTorrent {
  info: { name: Uint8Array; 'meta version': number; 'piece length': number };
  'piece layers': Record<string, Uint8Array>;
  'url-list': Uint8Array[];
}

/** Raw: a torrent is bencoded bytes, read with its headers; its refusals go through the typed client. */
async function fetchTorrent(url: string): Promise<{ bytes: Buffer; torrent: DecodedTorrent; res: Response }> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { bytes, torrent: bencode.decode(bytes) as DecodedTorrent, res };
}

/** libtorrent downloads the torrent into a folder of its own; the report and the bytes it wrote. */
async function downloadWithLibtorrent(bytes: Buffer, name: string, label: string): Promise<{ report: Awaited<ReturnType<typeof libtorrentDownload>>; data: Buffer }> {
  const torrentPath = join(out.path, `${label}.torrent`);
  const saveDir = join(out.path, label);
  await writeFile(torrentPath, bytes);
  const report = await libtorrentDownload(torrentPath, saveDir, 60);
  const data = await readFile(join(saveDir, name)).catch(() => {
    throw new Error(`libtorrent wrote no ${name}: ${JSON.stringify(report)}`);
  });
  return { report, data };
}

beforeAll(async () => {
  out = await makeTempDir();
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '5m' } });
  indexAddress = `127.0.0.1:${(await index.client.getIndexRole()).port}`;
  peers.push(...await Promise.all([0, 1].map(() => startTestNode({ peer: { super_peer_address: [indexAddress] } }))));
  for (const peer of peers) {
    await writeFile(join(peer.sharedDir, BIG.name), BIG.data);
    await writeFile(join(peer.sharedDir, SMALL.name), SMALL.data);
  }
  await pollUntil(async () => {
    const atIndex = typedClient(indexRoutes, indexAddress);
    // Not listed yet is a 404: undefined, and keep asking.
    const files = await Promise.all([BIG.id, SMALL.id].map((fileId) => atIndex.getFile({ params: { fileId } }).catch(() => undefined)));
    return files.every((f) => f?.sourceCount === 2);
  }, 'both files at the index with two sources', 30_000);
}, 60_000);

afterAll(async () => {
  await Promise.all([...peers, index].map((n) => n.destroy()));
  await out?.remove();
});

describe('GET /api/v1/files/{fileId}/torrent', () => {
  it('on the index: a v2-only torrent, every online source a web seed, the piece layer of the file', async () => {
    const { torrent, res } = await fetchTorrent(torrentUrl(`http://${indexAddress}`, BIG.id));
    expect(res.headers.get('content-type')).toMatch(/^application\/x-bittorrent/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="holiday video.mkv.torrent"');
    expect(torrent.info['meta version']).toBe(2);
    expect(Buffer.from(torrent.info.name).toString()).toBe(BIG.name);
    expect(torrent.info['piece length']).toBe(256 * 1024);
    expect(Object.values(torrent['piece layers'])[0]).toHaveLength(13 * 32);
    const seeds = torrent['url-list'].map((u) => Buffer.from(u).toString()).sort();
    expect(seeds).toEqual(peers.map((p) => `http://127.0.0.1:${p.port}/api/v1/download/${BIG.id}/`).sort());
  });

  it('answers 404 from the catalogue for an unknown id, on the index and on a peer, and 400 for a bad one', async () => {
    const unknown = { params: { fileId: '0'.repeat(64) } };
    await expect(typedClient(indexRoutes, indexAddress).torrent(unknown)).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
    await expect(peers[0]!.publicClient.getTorrent(unknown)).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
    // Raw: the typed client refuses a malformed id before it leaves.
    for (const base of [`http://${indexAddress}`, peers[0]!.url]) expect((await fetch(torrentUrl(base, 'not-an-id'))).status).toBe(400);
  });

  it.skipIf(skipLibtorrent)('lets libtorrent download a file of several pieces from the index\u2019s torrent, every piece verified', async () => {
    if (!hasLibtorrent) throw new Error(LIBTORRENT_MISSING);
    const { bytes } = await fetchTorrent(torrentUrl(`http://${indexAddress}`, BIG.id));
    const { report, data } = await downloadWithLibtorrent(bytes, BIG.name, 'big');
    expect(report.root).toBe(BIG.id);
    // report.errors (a web seed that timed out, say) is for reading when this fails, not a verdict.
    expect(report.hashFailures).toBe(0);
    expect(report.seeding || report.finished).toBe(true);
    expect(report.havePieces).toBe(report.numPieces);
    expect(data.equals(BIG.data)).toBe(true);
  }, 90_000);

  it.skipIf(skipLibtorrent)('lets libtorrent download a file of one piece from a peer\u2019s own torrent', async () => {
    if (!hasLibtorrent) throw new Error(LIBTORRENT_MISSING);
    const { bytes, torrent } = await fetchTorrent(torrentUrl(peers[1]!.url, SMALL.id));
    expect(Object.keys(torrent['piece layers'])).toEqual([]);
    expect(torrent['url-list'].map((u) => Buffer.from(u).toString())).toEqual([`${peers[1]!.url}/api/v1/download/${SMALL.id}/`]);
    const { report, data } = await downloadWithLibtorrent(bytes, SMALL.name, 'small');
    expect(report.root).toBe(SMALL.id);
    expect(report.hashFailures).toBe(0);
    expect(report.seeding || report.finished).toBe(true);
    expect(data.equals(SMALL.data)).toBe(true);
  }, 90_000);
});

describe('shoal torrent <fileId>', () => {
  const output = () => {
    const o = { stdout: '', stderr: '' };
    return { o, out: { stdout: { write: (d: string | Uint8Array) => (o.stdout += String(d)) }, stderr: { write: (t: string) => (o.stderr += t) } } };
  };

  it('saves the index\u2019s torrent, named after the file, once it is checked to be of that id', async () => {
    const { o, out: to } = output();
    const code = await runTorrent({ fileId: BIG.id, addresses: ['127.0.0.1:1', indexAddress], output: undefined, cwd: out.path }, to);
    expect(code).toBe(0);
    const saved = join(out.path, 'holiday video.mkv.torrent');
    expect(o.stdout).toBe(`${saved}\n`);
    expect(o.stderr).toMatch(/2 web seeds/);
    const { bytes } = await fetchTorrent(torrentUrl(`http://${indexAddress}`, BIG.id));
    expect((await readFile(saved)).equals(bytes)).toBe(true);
  });

  it('passes on the index\u2019s reason when it has no torrent', async () => {
    const { o, out: to } = output();
    const code = await runTorrent({ fileId: '0'.repeat(64), addresses: [indexAddress], output: join(out.path, 'x.torrent'), cwd: out.path }, to);
    expect(code).toBe(1);
    expect(o.stderr).toMatch(/no torrent: .*No shared file has this id/);
  });
});


// The download users judge us by, with real nodes: three honest peers hold a file, a fourth
// corrupts what it sends, a fifth is stopped mid-transfer, a sixth stalls after a few bytes. The result is byte-identical, the
// corrupting peer is dropped and reported, and its reputation at the index falls.
import { readFile, readdir } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { startCorruptPeer, type CorruptPeer } from '../support/corrupt-peer.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const FILE = randomContent(12 * 1024 * 1024 + 12345); // 49 pieces of 256 KiB, the last one short
let index: TestNode;
let indexAddress: string;
const honest: TestNode[] = [];
let doomed: TestNode;
let corrupt: CorruptPeer;
let stalling: CorruptPeer;
let downloader: TestNode;
const events: { local: { type: string; data: { id?: string }; timestamp: string }[]; stranger: { type: string }[] } = { local: [], stranger: [] };
const sockets: WebSocket[] = [];

async function listen(url: string, into: { type: string }[]): Promise<void> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  ws.on('message', (m) => into.push(JSON.parse(String(m)) as { type: string }));
  await new Promise((resolve) => ws.once('open', resolve));
}

beforeAll(async () => {
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '500ms', reporter_maturity: '1ms' } }); // reports count fully at once (what a report does is tested here, not whom the index believes)
  indexAddress = `127.0.0.1:${(await index.client.getIndexRole()).port}`;
  // Slow honest uploads, so the download lasts long enough to lose a source in the middle.
  const sources = await Promise.all(Array.from({ length: 4 }, () => startTestNode({
    peer: { super_peer_address: [indexAddress] }, transfers: { max_upload_rate: '2MB' },
  })));
  for (const node of sources) await writeFile(join(node.sharedDir, 'holiday-video.mkv'), FILE.data);
  doomed = sources.pop()!;
  honest.push(...sources);
  corrupt = await startCorruptPeer(FILE.data, 'holiday-video.mkv', indexAddress);
  stalling = await startCorruptPeer(FILE.data, 'holiday-video.mkv', indexAddress, 'stall');
  downloader = await startTestNode({ peer: { super_peer_address: [indexAddress] } });
  const atIndex = typedClient(indexRoutes, indexAddress);
  // Not listed yet is a 404: keep asking.
  await pollUntil(() => atIndex.getFile({ params: { fileId: FILE.id } }).then((f) => f.sourceCount === 6), 'six sources at the index', 20_000);
  await pollUntil(async () => (await downloader.client.getIndexConnection()).state === 'registered', 'downloader registered');
  await listen(`ws://127.0.0.1:${downloader.port}/ws?token=${downloader.token}`, events.local as { type: string }[]);
  await listen(`ws://127.0.0.1:${downloader.port}/ws`, events.stranger);
}, 60_000);

afterAll(async () => {
  for (const ws of sockets) ws.close();
  await corrupt.close();
  await stalling.close();
  await Promise.all([...honest, doomed, downloader, index].map((n) => n.destroy()));
});

describe('a multi-source download', () => {
  it('is byte-identical despite a corrupting source and one that vanishes', async () => {
    const started = await startDownload(downloader, { fileId: FILE.id });
    expect(started.name).toBe('holiday-video.mkv');
    // Stop one source once the download is well under way.
    await waitForDownload(downloader, started.id, (d) => d.bytesVerified > FILE.data.length / 4);
    await doomed.stop();
    const done = await waitForDownload(downloader, started.id, 'completed', 30_000);

    expect(done.path).toBe(join(downloader.downloadDir, 'holiday-video.mkv'));
    expect((await readFile(done.path!)).equals(FILE.data)).toBe(true);
    expect(done.bytesVerified).toBe(FILE.data.length);
    expect(done.piecesVerified).toBe(done.pieceCount);
    // Nothing partial is left behind.
    expect(await readdir(downloader.downloadDir)).toEqual(['holiday-video.mkv']);
    await pollUntil(() => events.local.some((e) => e.type === 'transfer_completed'), 'the completed event');

    const bad = done.sources.find((s) => s.url.includes(`:${corrupt.port}/`));
    expect(corrupt.served).toBeGreaterThanOrEqual(1); // two bad pieces, maybe in one run
    expect(bad).toMatchObject({ state: 'dropped', bytes: 0 });
    expect(bad?.reason).toMatch(/verification/);
    // The stalling source lost its pieces to the others and backs off.
    expect(stalling.served).toBeGreaterThanOrEqual(1);
    const slow = done.sources.find((s) => s.url.includes(`:${stalling.port}/`));
    expect(slow?.bytes).toBe(0);
    // Every honest source that stayed contributed; together they gave every byte.
    const good = done.sources.filter((s) => s.bytes > 0);
    expect(good.length).toBeGreaterThanOrEqual(3);
    expect(good.reduce((sum, s) => sum + s.bytes, 0)).toBe(FILE.data.length);

    // The index heard about it: the corrupting peer's reputation fell below everyone else's.
    await pollUntil(async () => {
      const peers = await typedClient(indexRoutes, indexAddress).listPeers({ query: { pageSize: 50 } });
      const liar = peers.items.find((p) => p.peerId === corrupt.peerId);
      const others = peers.items.filter((p) => p.peerId !== corrupt.peerId);
      return liar && liar.reputation < 50 && others.every((p) => p.reputation > liar.reputation);
    }, 'the corrupting peer\u2019s reputation to fall');
  }, 60_000);

  it('tells the local user its progress, four times a second at most, and nobody else', async () => {
    const progress = events.local.filter((e) => e.type === 'transfer_progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(events.local.filter((e) => e.type === 'transfer_completed')).toHaveLength(1);
    const times = progress.map((e) => Date.parse(e.timestamp));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(240);
    expect(events.stranger.some((e) => e.type.startsWith('transfer_'))).toBe(false);
  });

  it('drops a source whose file changes mid-download, and still lands the right bytes', async () => {
    const [changing] = honest;
    const started = await startDownload(downloader, { fileId: FILE.id });
    await waitForDownload(downloader, started.id, (d) => d.bytesVerified > FILE.data.length / 4);
    const other = Buffer.from(FILE.data);
    other.fill(7, 0, 1024 * 1024);
    await writeFile(join(changing!.sharedDir, 'holiday-video.mkv'), other);
    const done = await waitForDownload(downloader, started.id, 'completed', 30_000);
    // The first copy is still there, so this one got a number.
    expect(done.path).toBe(join(downloader.downloadDir, 'holiday-video (1).mkv'));
    expect((await readFile(done.path!)).equals(FILE.data)).toBe(true);
    expect(done.sources.find((s) => s.url.includes(`:${changing!.port}/`))?.state).toBe('dropped');
    // Its own copy is not a source of its own download.
    expect(done.sources.some((s) => s.url.includes(`:${downloader.port}/`))).toBe(false);
  }, 60_000);

  it('joins the library when done, so the file gains a source: served at once, never hashed again', async () => {
    // The downloads above were announced completed only once shared: no waiting here.
    expect((await downloader.publicClient.getFile({ params: { fileId: FILE.id } })).id).toBe(FILE.id);
    // The bytes stay raw: a range, read as it is sent.
    const served = await downloader.api(`/api/v1/download/${FILE.id}`, { auth: false, headers: { range: 'bytes=0-9' } });
    expect(served.status).toBe(206);
    expect(Buffer.from(await served.arrayBuffer()).equals(FILE.data.subarray(0, 10))).toBe(true);
    // Its hashes are the ones every piece was just verified against: the library took them as they are.
    const stats = await downloader.publicClient.getStats();
    expect(stats.hashing.hashedFiles).toBe(0);
    const pieces = await downloader.publicClient.getPieces({ params: { fileId: FILE.id } });
    expect(pieces.pieces).toHaveLength(49);
  });
});

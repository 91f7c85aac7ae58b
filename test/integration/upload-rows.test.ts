// The uploader sees its uploads (issue 16, item 2): a download of a multi-MiB file, slowed by the
// source's upload limit so it spans many range requests, is one row on the source for the whole
// transfer (named by the downloader's node id), whose bytes grow and whose progress reaches the
// file's size; Pause all / Resume all answer the whole list in one call each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadView, UploadView } from '../../src-shared/api/transfers.js';
import { downloadView, randomContent, startDownload, startSharingNode, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const MiB = 1024 * 1024;
const big = randomContent(6 * MiB);
const paused = randomContent(4 * MiB);
let source: TestNode;
let downloader: TestNode;
let downloaderDir: { path: string; remove(): Promise<void> };

const setUploadRate = async (maxUploadRate: number) => expect((await source.client.setTransferSettings({ body: { maxUploadRate } })).maxUploadRate).toBe(maxUploadRate);
const uploadsOf = async (fileId: string) => (await source.client.listUploads()).items.filter((u) => u.fileId === fileId);

beforeAll(async () => {
  source = await startSharingNode({ 'big.bin': big.data, 'paused.bin': paused.data });
  downloaderDir = await makeTempDir();
  downloader = await startTestNode({ root: downloaderDir.path });
}, 30_000);

afterAll(async () => {
  await downloader.stop();
  await downloaderDir.remove();
  await source.destroy();
});

describe('the uploads list', () => {
  it('shows one row per downloader and file for the whole transfer, bytes growing, progress reaching the size', async () => {
    await setUploadRate(2 * MiB); // about 3 s: many ranges
    const downloaderId = (await downloader.publicClient.getInfo()).id;
    const started = await startDownload(downloader, { fileId: big.id, peer: `127.0.0.1:${source.port}` });
    const seen: UploadView[] = [];
    let done: DownloadView | undefined;
    await pollUntil(async () => {
      const rows = await uploadsOf(big.id);
      expect(rows.length).toBeLessThanOrEqual(1);
      if (rows[0]) seen.push(rows[0]);
      done = await downloadView(downloader, started.id);
      return done.state === 'completed';
    }, 'the download to complete', 30_000);
    expect(seen.length).toBeGreaterThan(3);
    // The same row all along, named by the downloader's node id.
    expect(new Set(seen.map((r) => r.id)).size).toBe(1);
    expect(seen[0]).toMatchObject({ name: 'big.bin', peer: downloaderId, peerId: downloaderId, address: '127.0.0.1', size: big.data.length });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
    expect(seen.at(-1)!.bytes).toBeGreaterThan(seen[0]!.bytes);
    expect(seen.some((r) => r.speed > 0)).toBe(true);
    // After the last range the row lingers, complete.
    const [last] = await uploadsOf(big.id);
    expect(last).toMatchObject({ id: seen[0]!.id, progress: big.data.length });
    await setUploadRate(0);
  }, 40_000);

  // The downloads here stay raw: a hand-set header and a range, as plain HTTP clients send them.
  it('ignores a node id header that is not one', async () => {
    const res = await fetch(`${source.url}/api/v1/download/${paused.id}`, { headers: { range: 'bytes=0-99', 'x-shoal-peer': 'x'.repeat(65) } });
    expect(res.status).toBe(206);
    await res.arrayBuffer();
    const rows = await uploadsOf(paused.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ peerId: null, peer: '127.0.0.1', progress: 100 });
  });

  it('does not believe a node id only claimed in plain HTTP (X-Shoal-Peer): the row is the address\u2019s', async () => {
    const downloaderId = (await downloader.publicClient.getInfo()).id;
    const res = await fetch(`${source.url}/api/v1/download/${paused.id}`, { headers: { range: 'bytes=100-199', 'x-shoal-peer': downloaderId } });
    expect(res.status).toBe(206);
    await res.arrayBuffer();
    const rows = await uploadsOf(paused.id);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ peerId: null, peer: '127.0.0.1', address: '127.0.0.1' });
  });

  it('pauses and resumes every download in one call each, answering the list', async () => {
    await setUploadRate(1 * MiB); // slow enough to still be running when paused
    const started = await startDownload(downloader, { fileId: paused.id, peer: `127.0.0.1:${source.port}` });
    await waitForDownload(downloader, started.id, (d) => d.bytesVerified > 0);
    const afterPause = await downloader.client.pauseAllDownloads();
    expect(afterPause.items.find((d) => d.id === started.id)?.state).toBe('paused');
    expect(afterPause.items.some((d) => d.state === 'completed')).toBe(true); // the whole list, finished ones untouched
    await expect(downloader.publicClient.pauseAllDownloads()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await setUploadRate(0);
    const afterResume = await downloader.client.resumeAllDownloads();
    expect(afterResume.items.find((d) => d.id === started.id)?.state).not.toBe('paused');
    const done = await waitForDownload(downloader, started.id, 'completed');
    expect(done.bytesVerified).toBe(paused.data.length);
  }, 30_000);
});

// Starting a download races a cancel of the same file, against real nodes over HTTP: the cancel
// deletes the partial file after its run stops, and a start meanwhile must neither bring the
// cancelled download back to life nor share its partial file; it waits, then is a new download.
import { readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadView, randomContent, startDownload, startSharingNode, waitForDownload } from '../support/downloads.js';
import type { TestNode } from '../support/test-node.js';
import { startTestNode } from '../support/test-node.js';

const MiB = 1024 * 1024;
const file = randomContent(4 * MiB);
let source: TestNode;
let downloader: TestNode;

beforeAll(async () => {
  source = await startSharingNode({ 'raced.bin': file.data });
  downloader = await startTestNode();
  // Slow enough that the first download is still under way when it is cancelled.
  expect((await source.client.setTransferSettings({ body: { maxUploadRate: 1 * MiB } })).maxUploadRate).toBe(1 * MiB);
}, 30_000);

afterAll(async () => {
  await downloader.destroy();
  await source.destroy();
});

describe('a start racing a cancel of the same file', () => {
  it('waits for the cancel, then is a new download that finishes; the cancelled one stays cancelled', async () => {
    const peer = `127.0.0.1:${source.port}`;
    const first = await startDownload(downloader, { fileId: file.id, peer });
    await waitForDownload(downloader, first.id, (d) => d.bytesVerified > 0);
    // The cancel goes first; the start follows while it is still stopping the run.
    const cancelling = downloader.client.removeDownload({ params: { downloadId: first.id } });
    const again = startDownload(downloader, { fileId: file.id, peer });
    const cancelled = await cancelling;
    const second = await again;
    expect(cancelled.state).toBe('cancelled');
    expect(second.id).not.toBe(first.id);
    await source.client.setTransferSettings({ body: { maxUploadRate: 0 } });
    const done = await waitForDownload(downloader, second.id, 'completed');
    expect((await readFile(done.path!)).equals(file.data)).toBe(true);
    expect((await downloadView(downloader, first.id)).state).toBe('cancelled');
    expect((await readdir(downloader.downloadDir)).filter((n) => n.endsWith('.shoal-partial'))).toEqual([]);
  }, 30_000);
});

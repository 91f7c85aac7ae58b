// A finished download can always be saved by the local user ("Save a copy" in the web UI), even
// when "Share what I download" is off and no peer may fetch it: GET /api/v1/downloads/{id}/file.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { randomBytes } from 'node:crypto';
import { startDownload, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const content = randomBytes(300 * 1024);
const name = 'Ünïcödé report.bin';
let source: TestNode;
let downloader: TestNode;
let done: DownloadView;
let fileId: string;

beforeAll(async () => {
  source = await startTestNode();
  await writeFile(join(source.sharedDir, name), content);
  fileId = await pollUntil(async () => (await source.client.listFiles()).items[0]?.id, 'the source to hash its file');
  downloader = await startTestNode({ transfers: { share_downloads: false } });
  const started = await startDownload(downloader, { fileId, peer: `127.0.0.1:${source.port}` });
  done = await waitForDownload(downloader, started.id, 'completed');
}, 30_000);

afterAll(async () => {
  await Promise.all([source, downloader].filter(Boolean).map((n) => n.destroy()));
});

// The bytes are read raw (body, ranges, headers); refusals are JSON, asserted through the typed client's error.
describe('a finished download that is not shared', () => {
  it('is not served to peers', async () => {
    await expect(downloader.publicClient.download({ params: { fileId } })).rejects.toMatchObject({ status: 404 });
  });

  it('is served to the local user, whole or by range, under its name', async () => {
    const res = await downloader.api(`/api/v1/downloads/${done.id}/file`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const part = await downloader.api(`/api/v1/downloads/${done.id}/file`, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(10, 20))).toBe(true);
  });

  it('takes the token in the address, as a plain link from the web UI does', async () => {
    const res = await downloader.api(`/api/v1/downloads/${done.id}/file?token=${downloader.token}`, { auth: false });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(content.length);
  });

  it('answers nobody but the local user', async () => {
    await expect(downloader.publicClient.downloadedFile({ params: { downloadId: done.id } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('explains an unknown download and a file that is gone', async () => {
    const file = (downloadId: string) => downloader.client.downloadedFile({ params: { downloadId } });
    await expect(file('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404, code: 'DOWNLOAD_NOT_FOUND' });
    await rm(done.path!);
    await expect(file(done.id)).rejects.toMatchObject({ status: 404, code: 'DOWNLOADED_FILE_MISSING' });
  });
});

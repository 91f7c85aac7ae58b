// One source, one downloader, both real nodes: restart mid-download without refetching verified
// pieces, pause / resume / cancel, a name that is taken, rate limits, a full peer, bad input.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { transferSettingsSchema, type TransferSettings } from '../../src-shared/api/transfers.js';
import { startCorruptPeer } from '../support/corrupt-peer.js';
import { action, bytesSent, downloadView, randomContent, startDownload, startSharingNode, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const MiB = 1024 * 1024;
const files = {
  restart: randomContent(6 * MiB),
  pause: randomContent(4 * MiB),
  rate: randomContent(8 * MiB),
  busy: randomContent(2 * MiB),
  twice: randomContent(1 * MiB),
};
let source: TestNode;
let sourceAddress: string;
let downloaderDir: { path: string; remove(): Promise<void> };
let downloader: TestNode;
let defaults: { source: Partial<TransferSettings>; downloader: Partial<TransferSettings> };

type ErrorBody = { error: { code: string; message: string } };
const json = { 'content-type': 'application/json' };

const setTransfers = (node: TestNode, body: Omit<Partial<TransferSettings>, 'downloadDirectory'>): Promise<TransferSettings> => node.client.setTransferSettings({ body });

const uploadsActive = async (node: TestNode) => (await node.publicClient.getStats()).uploads.active;

beforeAll(async () => {
  source = await startSharingNode(Object.fromEntries(Object.entries(files).map(([name, f]) => [`${name}.bin`, f.data])));
  sourceAddress = `127.0.0.1:${source.port}`;
  downloaderDir = await makeTempDir();
  downloader = await startTestNode({ root: downloaderDir.path });
  // What a PUT may set: all but the download folder.
  const adjustable = async (node: TestNode) => transferSettingsSchema.omit({ downloadDirectory: true }).parse(await node.json('/api/v1/settings/transfers'));
  defaults = { source: await adjustable(source), downloader: await adjustable(downloader) };
}, 30_000);

// The two nodes are shared, their transfer settings are not: each test starts from the defaults,
// whatever the one before set (or left set when it failed).
beforeEach(async () => {
  await setTransfers(source, defaults.source);
  await setTransfers(downloader, defaults.downloader);
});

afterAll(async () => {
  await downloader.stop();
  await downloaderDir.remove();
  await source.destroy();
});

describe('download lifecycle', () => {
  it('goes on after a restart of the node without fetching verified pieces again', async () => {
    await setTransfers(source, { maxUploadRate: 2 * MiB });
    const f = files.restart;
    const started = await startDownload(downloader, { fileId: f.id, peer: sourceAddress });
    const before = await waitForDownload(downloader, started.id, (d) => d.bytesVerified >= 2 * MiB);
    await downloader.stop();
    await pollUntil(async () => (await uploadsActive(source)) === 0, 'the source to see the downloader go');
    const sentBeforeRestart = await bytesSent(source);

    downloader = await startTestNode({ root: downloaderDir.path });
    const resumed = await downloadView(downloader, started.id);
    expect(resumed.bytesVerified).toBeGreaterThanOrEqual(before.bytesVerified);
    const done = await waitForDownload(downloader, started.id, 'completed');
    expect((await readFile(done.path!)).equals(f.data)).toBe(true);
    // Only what was missing crossed the wire again.
    expect((await bytesSent(source)) - sentBeforeRestart).toBeLessThanOrEqual(f.data.length - before.bytesVerified);
  }, 30_000);

  it('makes one download of two starts of the same file at once', async () => {
    const f = files.twice;
    const [one, two] = await Promise.all([0, 1].map(() => startDownload(downloader, { fileId: f.id, peer: sourceAddress })));
    expect(two?.id).toBe(one?.id);
    const done = await waitForDownload(downloader, one!.id, 'completed');
    expect((await readFile(done.path!)).equals(f.data)).toBe(true);
    const { items } = await downloader.client.listDownloads();
    expect(items.filter((d) => d.fileId === f.id)).toHaveLength(1);
  });

  it('pauses, resumes and cancels; a taken name gets a number, never overwriting', async () => {
    await setTransfers(source, { maxUploadRate: 2 * MiB });
    const f = files.pause;
    // A file of the user's already has the name.
    await writeFile(join(downloader.downloadDir, 'pause.bin'), 'the user\u2019s own file');

    const first = await startDownload(downloader, { fileId: f.id, peer: sourceAddress });
    await waitForDownload(downloader, first.id, (d) => d.bytesVerified > 0);
    expect((await action(downloader, first.id, 'pause')).state).toBe('paused');
    await pollUntil(async () => (await uploadsActive(source)) === 0, 'uploads to stop while paused');
    const paused = await downloadView(downloader, first.id);
    expect(paused.state).toBe('paused');
    expect(paused.bytesVerified).toBeLessThan(f.data.length);
    expect((await action(downloader, first.id, 'resume')).state).not.toBe('paused');
    const done = await waitForDownload(downloader, first.id, 'completed');
    expect(done.path).toBe(join(downloader.downloadDir, 'pause (1).bin'));
    expect((await readFile(done.path!)).equals(f.data)).toBe(true);
    expect(await readFile(join(downloader.downloadDir, 'pause.bin'), 'utf8')).toBe('the user\u2019s own file');

    // The same file again, cancelled midway: its partial file goes, the finished ones stay.
    const second = await startDownload(downloader, { fileId: f.id, peer: sourceAddress });
    expect(second.id).not.toBe(first.id);
    await waitForDownload(downloader, second.id, (d) => d.bytesVerified > 0);
    expect((await downloader.client.removeDownload({ params: { downloadId: second.id } })).state).toBe('cancelled');
    expect((await readdir(downloader.downloadDir)).filter((n) => n.startsWith('pause')).sort()).toEqual(['pause (1).bin', 'pause.bin']);
    // A finished download cannot be paused; removing it from the history keeps its file.
    const params = { downloadId: first.id };
    await expect(downloader.client.pauseDownload({ params })).rejects.toMatchObject({ status: 409, code: 'DOWNLOAD_FINISHED' });
    expect((await downloader.client.removeDownload({ params })).id).toBe(first.id);
    await expect(downloader.client.getDownload({ params })).rejects.toMatchObject({ status: 404 });
    expect((await readFile(done.path!)).equals(f.data)).toBe(true);
  }, 30_000);

  // The ceiling only: how close to it a transfer gets depends on the machine's load, and the
  // limiter's accuracy is held on a fake clock (test/unit/rate-limiter.test.ts).
  it('holds the download rate limit, and the upload one too', async () => {
    const f = files.rate;
    const rate = 2 * MiB; // 2.5 s for the 5 MiB measured
    for (const side of ['download', 'upload'] as const) {
      if (side === 'download') await setTransfers(downloader, { maxDownloadRate: rate });
      else await setTransfers(source, { maxUploadRate: rate });
      const started = await startDownload(downloader, { fileId: f.id, peer: sourceAddress, name: `rate-${side}.bin` });
      // Measured between two points mid-transfer, so neither the start (finding the file, the
      // piece list, the hash thread starting) nor the end (the whole-file check) counts. Timed from
      // before the request whose answer showed the first point (the previous poll's end) to after
      // the one that showed the second: a late answer lengthens the interval, never shortens it
      // (timed from after the first answer, a slow one made the rate look higher than it was).
      let t0 = performance.now();
      const first = await waitForDownload(downloader, started.id, (d) => {
        if (d.bytesVerified >= 2 * MiB) return true;
        t0 = performance.now(); // the next request starts after this
        return false;
      });
      const second = await waitForDownload(downloader, started.id, (d) => d.bytesVerified >= 7 * MiB);
      const seconds = (performance.now() - t0) / 1000;
      const done = await waitForDownload(downloader, started.id, 'completed');
      // The limiter's promise over any interval: the rate, plus the quarter second of bytes its bucket
      // may hold after a stall (rate-limiter.ts); and bytes are counted a verified piece at a time.
      const ceiling = rate * seconds + rate / 4 + pieceSizeFor(f.data.length);
      expect(second.bytesVerified - first.bytesVerified, `${side} rate`).toBeLessThanOrEqual(ceiling);
      expect((await readFile(done.path!)).equals(f.data)).toBe(true);
      await setTransfers(downloader, { maxDownloadRate: 0 });
      await setTransfers(source, { maxUploadRate: 0 });
    }
  }, 30_000);

  it('a full peer answers 503 with Retry-After, and a downloader still gets everything', async () => {
    await setTransfers(source, { maxUploads: 1, maxUploadRate: 1 * MiB });
    const f = files.busy;
    const url = `${source.url}/api/v1/download/${f.id}`;
    // The whole 2 MiB at 1 MiB/s: the answer's headers leave with its first MiB, the rest a second later.
    const first = await fetch(url);
    const second = await fetch(url, { headers: { range: 'bytes=0-99' } });
    expect(second.status).toBe(503);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await second.json()) as ErrorBody).error.code).toBe('UPLOADS_FULL');
    // The running upload is visible to the source's user: who fetches what.
    // (Rows of the earlier tests' downloads may linger a few seconds: only this file's count.)
    const uploads = (await source.client.listUploads()).items.filter((u) => u.fileId === f.id);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ fileId: f.id, name: 'busy.bin', peer: '127.0.0.1', active: true });
    await expect(source.publicClient.listUploads()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await first.arrayBuffer();
    await setTransfers(source, { maxUploadRate: 0 });
    const started = await startDownload(downloader, { fileId: f.id, peer: sourceAddress });
    const done = await waitForDownload(downloader, started.id, 'completed');
    expect((await readFile(done.path!)).equals(f.data)).toBe(true);
  }, 30_000);

  it('keeps a per-peer upload quota (429 with Retry-After)', async () => {
    // A source of its own: the shared one counts what the other tests fetched from it.
    const f = randomContent(2 * MiB);
    const own = await startSharingNode({ 'quota.bin': f.data });
    try {
      await setTransfers(own, { uploadQuotaPerPeer: 1 * MiB });
      const url = `${own.url}/api/v1/download/${f.id}`;
      // Under the quota when it starts, the whole file is sent: its 2 MiB use up the 1 MiB.
      const whole = await fetch(url);
      expect(whole.status).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(f.data)).toBe(true);
      const res = await fetch(url, { headers: { range: 'bytes=0-99' } });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
      expect(((await res.json()) as ErrorBody).error.code).toBe('UPLOAD_QUOTA_EXCEEDED');
      await setTransfers(own, { uploadQuotaPerPeer: 0 });
      expect((await fetch(url, { headers: { range: 'bytes=0-99' } })).status).toBe(206);
    } finally {
      await own.destroy();
    }
  });

  it('refuses a forged piece list before asking the liar for a single byte', async () => {
    const f = randomContent(3 * MiB);
    // Its list matches the bytes it would serve, but their tree's root is not the id.
    const liar = await startCorruptPeer(f.data, 'too-good.bin', null, 'liar');
    try {
      const started = await startDownload(downloader, { fileId: f.id, peer: `127.0.0.1:${liar.port}` });
      const waiting = await waitForDownload(downloader, started.id, (d) => d.error?.code === 'NO_PIECE_LIST');
      expect(waiting.state).toBe('waiting');
      expect(waiting.error?.message).toContain(`127.0.0.1:${liar.port} sent a piece list that is not this file's`);
      expect(liar.served).toBe(0);
      await downloader.client.removeDownload({ params: { downloadId: started.id } });
      const names = await readdir(downloader.downloadDir);
      expect(names.some((n) => n.startsWith('too-good'))).toBe(false);
    } finally {
      await liar.close();
    }
  });

  it('rejects bad input with a clear error and starts nothing', async () => {
    const count = async () => (await downloader.client.listDownloads()).items.length;
    const before = await count();
    // Raw, for input the contract refuses (and its paths): the typed client would not send it.
    const post = (body: unknown) =>
      downloader.api('/api/v1/downloads', { method: 'POST', headers: json, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as ErrorBody).error.code).toBe(code);
    };
    await expectError(await post({ fileId: 'nope' }), 400, 'VALIDATION_FAILED');
    await expectError(await post('{"fileId":'), 400, 'MALFORMED_JSON');
    await expectError(await post({ fileId: files.busy.id, extra: 1 }), 400, 'VALIDATION_FAILED');
    await expectError(await post({ fileId: files.busy.id, peer: 'http://evil/' }), 400, 'VALIDATION_FAILED');
    await expect(downloader.publicClient.startDownload({ body: { fileId: files.busy.id } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    // Nobody knows this file: no index is configured and the peer does not share it.
    const unknown = randomContent(10).id;
    await expect(downloader.client.startDownload({ body: { fileId: unknown, peer: sourceAddress } })).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/does not share this file/) });
    await expectError(await downloader.api('/api/v1/downloads/00000000-0000-0000-0000-000000000000'), 404, 'DOWNLOAD_NOT_FOUND');
    await expectError(await downloader.api('/api/v1/downloads/../../etc'), 404, 'NOT_FOUND');
    await expectError(await downloader.api('/api/v1/downloads/not-a-uuid/pause', { method: 'POST' }), 400, 'VALIDATION_FAILED');
    // Bigger than this node's max_file_size.
    const small = await startTestNode({ peer: { max_file_size: '1MB' } });
    try {
      await expect(small.client.startDownload({ body: { fileId: files.busy.id, peer: sourceAddress } })).rejects.toMatchObject({ status: 413, code: 'FILE_TOO_LARGE' });
    } finally {
      await small.destroy();
    }
    const settings = (body: unknown) => downloader.api('/api/v1/settings/transfers', { method: 'PUT', headers: json, body: JSON.stringify(body) });
    await expectError(await settings({ maxDownloadRate: -1 }), 400, 'VALIDATION_FAILED');
    await expectError(await settings({ downloadDirectory: '/etc' }), 400, 'VALIDATION_FAILED');
    expect(await count()).toBe(before);
  });
});

// Batch operations over real HTTP (issue 16, item 14): one call acts on 1,000 files or downloads,
// answers one result per item, and a bad body is refused as a whole, changing nothing.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadBatchResult } from '../../src-shared/api/batch.js';
import { pollUntil } from '../support/poll.js';
import { fileIdOf } from '../support/reference-tree.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const COUNT = 1_000;
let source: TestNode;
let downloader: TestNode;
let sourceRoot: { path: string; remove(): Promise<void> };
const ids: string[] = [];

// Raw, for batches the contract refuses on purpose: the typed client would not send them.
const post = (node: TestNode, path: string, body: unknown) =>
  node.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const total = async (node: TestNode, query: { tag?: string } = {}) => (await node.client.listFiles({ query })).total;

beforeAll(async () => {
  // The files are there before the node starts: its first scan hashes them in one go.
  sourceRoot = await makeTempDir();
  await mkdir(join(sourceRoot.path, 'shared'));
  for (let i = 0; i < COUNT; i++) {
    const data = randomBytes(20 * 1024);
    ids.push(fileIdOf(data));
    await writeFile(join(sourceRoot.path, 'shared', `file-${String(i).padStart(4, '0')}.bin`), data);
  }
  [source, downloader] = await Promise.all([startTestNode({ root: sourceRoot.path }), startTestNode()]);
  await pollUntil(async () => (await total(source)) === COUNT, 'the source to hash 1,000 files', 60_000, 200);
}, 90_000);
afterAll(async () => {
  await Promise.all([source?.destroy(), downloader?.destroy()]);
  await sourceRoot?.remove();
});

describe('files in batches', () => {
  it('refuses a bad batch as a whole: nothing changes', async () => {
    const cases: [unknown, number, string][] = [
      [{ ids: [] }, 400, 'VALIDATION_FAILED'],
      [{ ids: [ids[0], 'not-an-id'] }, 400, 'VALIDATION_FAILED'],
      [{ ids: Array.from({ length: 10_001 }, () => ids[0]) }, 400, 'VALIDATION_FAILED'],
      [{ ids: [ids[0]], extra: true }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(source, '/api/v1/files/unshare', body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const noTags = await post(source, '/api/v1/files/tags', { ids: [ids[0]] });
    expect(noTags.status).toBe(400);
    await expect(source.publicClient.unshareFiles({ body: { ids } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(await total(source)).toBe(COUNT);
  });

  it('lists every matching id for "select all", by filter and words', async () => {
    const all = await source.client.listFileIds();
    expect(all.total).toBe(COUNT);
    expect(new Set(all.ids)).toEqual(new Set(ids));
    const some = await source.client.listFileIds({ query: { q: 'file-000' } });
    expect(some.total).toBe(10); // file-0000 … file-0009
  });

  it('tags 1,000 files in one call, keeping each file\u2019s own tags', async () => {
    expect((await source.client.setFileTags({ params: { fileId: ids[0]! }, body: { tags: ['mine'] } })).userTags).toEqual(['mine']);
    const result = await source.client.tagFiles({ body: { ids, add: ['batch', 'holiday'] } });
    expect(result).toMatchObject({ succeeded: COUNT, failed: 0 });
    expect(result.results.map((r) => r.id)).toEqual(ids);
    expect(await total(source, { tag: 'batch' })).toBe(COUNT);
    expect((await source.client.getFile({ params: { fileId: ids[0]! } })).userTags.sort()).toEqual(['batch', 'holiday', 'mine']);

    const removed = await source.client.tagFiles({ body: { ids, remove: ['holiday'] } });
    expect(removed.succeeded).toBe(COUNT);
    expect(await total(source, { tag: 'holiday' })).toBe(0);
    expect(await total(source, { tag: 'batch' })).toBe(COUNT);
  });

  it('unshares 1,000 files in one call; an unknown id fails alone', async () => {
    const unknown = 'f'.repeat(64);
    const keep = ids.slice(-10);
    const result = await source.client.unshareFiles({ body: { ids: [...ids.slice(0, COUNT - 10), unknown, ids[0]!] } });
    expect(result.results).toHaveLength(COUNT - 10 + 1); // ids[0] named twice counts once
    expect(result.failed).toBe(1);
    expect(result.results.find((r) => r.id === unknown)?.error?.code).toBe('FILE_NOT_FOUND');
    expect(await total(source)).toBe(10);
    const left = await source.client.listFileIds();
    expect(new Set(left.ids)).toEqual(new Set(keep));
  }, 30_000);
});

describe('downloads in batches', () => {
  // A batch of 1,000 in every call: REAL downloads of the source's files (each fetched for real;
  // more would only test the source), the rest ids nobody knows, each failing on its own.
  const REAL = 50;
  let real: string[] = [];
  const unknownIds = Array.from({ length: COUNT - REAL }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const list = async () => (await downloader.client.listDownloads()).items;
  const expectUnknownFailed = (result: DownloadBatchResult) => {
    expect(result.results).toHaveLength(COUNT);
    expect(result.results.slice(REAL).every((r) => !r.ok && r.error?.code === 'DOWNLOAD_NOT_FOUND')).toBe(true);
  };

  it('starts a batch of 1,000 in one call: the known files start, each unknown one fails alone', async () => {
    // The last test unshared most files: share the folder again so the source offers them all.
    await source.client.shareFiles({ body: { path: join(sourceRoot.path, 'shared') } });
    await pollUntil(async () => (await total(source)) === COUNT, 'the source to share the files again', 30_000, 100);
    // The source sends 1 byte/s after its first 16 KiB: no 20 KiB file arrives during the test,
    // so each download stays pausable and cancellable.
    expect((await source.client.setTransferSettings({ body: { maxUploadRate: 1 } })).maxUploadRate).toBe(1);
    const peer = new URL(source.url).host;
    const nobodyKnows = (i: number) => `e${i.toString(16).padStart(63, '0')}`;
    const files = [
      ...ids.slice(0, REAL).map((fileId) => ({ fileId, peer })),
      ...Array.from({ length: COUNT - REAL }, (_, i) => ({ fileId: nobodyKnows(i) })),
    ];
    const result = await downloader.client.startDownloads({ body: { files } });
    expect(result).toMatchObject({ succeeded: REAL, failed: COUNT - REAL });
    expect(result.results.map((r) => r.id)).toEqual(files.map((f) => f.fileId));
    expect(result.results.slice(REAL).every((r) => r.error?.code === 'FILE_NOT_FOUND')).toBe(true);
    real = result.results.flatMap((r) => (r.download ? [r.download.id] : []));
    expect(new Set(result.results.slice(0, REAL).map((r) => r.download?.fileId))).toEqual(new Set(ids.slice(0, REAL)));
    expect(await list()).toHaveLength(REAL);
  }, 120_000);

  it('pauses, resumes and cancels in batches of 1,000, one call each', async () => {
    const batch = () => ({ ids: [...real, ...unknownIds] });
    const paused = await downloader.client.pauseDownloads({ body: batch() });
    expectUnknownFailed(paused);
    expect(paused.succeeded).toBe(REAL);
    expect((await list()).every((d) => d.state === 'paused')).toBe(true);

    const resumed = await downloader.client.resumeDownloads({ body: batch() });
    expectUnknownFailed(resumed);
    expect(resumed.succeeded).toBe(REAL);
    expect((await list()).filter((d) => d.state === 'paused')).toHaveLength(0);

    // Clearing is for finished downloads: running ones are refused, one by one, and stay.
    const early = await downloader.client.clearDownloads({ body: { ids: real.slice(0, 3) } });
    expect(early.results.map((r) => r.error?.code)).toEqual(['DOWNLOAD_NOT_FINISHED', 'DOWNLOAD_NOT_FINISHED', 'DOWNLOAD_NOT_FINISHED']);

    const cancelled = await downloader.client.cancelDownloads({ body: batch() });
    expectUnknownFailed(cancelled);
    expect(cancelled.succeeded).toBe(REAL);
    expect(cancelled.results.slice(0, REAL).every((r) => r.download?.state === 'cancelled')).toBe(true);
    const rows = await list();
    expect(rows).toHaveLength(REAL);
    expect(rows.every((d) => d.state === 'cancelled')).toBe(true);
    // Cancelling again is refused per item: a cancelled download is finished.
    const twice = await downloader.client.cancelDownloads({ body: { ids: real.slice(0, 1) } });
    expect(twice.results[0]?.error?.code).toBe('DOWNLOAD_FINISHED');
  }, 60_000);

  it('clears a batch of 1,000 in one call; a bad body changes nothing', async () => {
    const bad = await post(downloader, '/api/v1/downloads/clear', { ids: [...real, 'not-a-uuid'] });
    expect(bad.status).toBe(400);
    expect(await list()).toHaveLength(REAL);
    const cleared = await downloader.client.clearDownloads({ body: { ids: [...real, ...unknownIds] } });
    expectUnknownFailed(cleared);
    expect(cleared.succeeded).toBe(REAL);
    expect(await list()).toHaveLength(0);
  }, 30_000);
});

// A downloads folder on a tiny filesystem (a 4 MiB tmpfs): a file that cannot fit is refused
// before anything is written, and a disk that fills up mid-download stops it with a clear
// reason; once space is freed, resume finishes it. Mounting needs root (CI runs as root).
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const MiB = 1024 * 1024;
const isRoot = process.getuid?.() === 0;
const tooBig = randomContent(5 * MiB);
const fits = randomContent(3 * MiB);
let temp: { path: string; remove(): Promise<void> };
let mountPoint: string;
let source: TestNode;
let downloader: TestNode;

beforeAll(async () => {
  if (!isRoot) return;
  temp = await makeTempDir();
  mountPoint = join(temp.path, 'small-disk');
  await mkdir(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
  source = await startTestNode();
  await writeFile(join(source.sharedDir, 'too-big.bin'), tooBig.data);
  await writeFile(join(source.sharedDir, 'fits.bin'), fits.data);
  await pollUntil(async () => (await source.client.listFiles()).total === 2, 'the source to hash');
  downloader = await startTestNode({ peer: { download_directory: mountPoint } });
}, 30_000);

afterAll(async () => {
  if (!isRoot) return;
  await downloader.destroy();
  await source.destroy();
  execFileSync('umount', ['-l', mountPoint]);
  await temp.remove();
});

describe.skipIf(!isRoot)('a full disk', () => {
  const peer = () => `127.0.0.1:${source.port}`;

  it('refuses a file larger than the free space, writing nothing', async () => {
    await expect(downloader.client.startDownload({ body: { fileId: tooBig.id, peer: peer() } })).rejects.toMatchObject({
      status: 507, code: 'DISK_FULL', message: expect.stringMatching(/answered 507 DISK_FULL: .*free/),
    });
    expect(await readdir(mountPoint)).toEqual([]);
    expect((await downloader.client.listDownloads()).items).toEqual([]);
  });

  it('stops with a clear reason when the disk fills up midway, and resumes once there is room', async () => {
    const set = (body: { maxUploadRate: number }) => source.client.setTransferSettings({ body });
    // At 256 KiB/s the 3 MiB take 12 s, so the filler lands long before the download could end,
    // however slowly this test's process is scheduled.
    await set({ maxUploadRate: 256 * 1024 });
    const started = await startDownload(downloader, { fileId: fits.id, peer: peer() });
    await waitForDownload(downloader, started.id, (d) => d.bytesVerified >= 256 * 1024);
    // Something else fills the disk.
    const filler = join(mountPoint, 'filler.bin');
    await writeFile(filler, Buffer.alloc(3 * MiB)).catch(() => undefined);
    await set({ maxUploadRate: 0 });
    const failed = await waitForDownload(downloader, started.id, 'failed');
    expect(failed.error?.code).toBe('DISK_FULL');
    expect(failed.error?.message).toMatch(/full/);

    await rm(filler);
    await action(downloader, started.id, 'resume');
    const done = await waitForDownload(downloader, started.id, 'completed');
    expect((await readFile(done.path!)).equals(fits.data)).toBe(true);
  }, 30_000);
});

// The disk holding the node's data folder (its database) fills up, on a tiny filesystem (an 8 MiB
// tmpfs; mounting needs root, as CI runs). The node stays up: the download fails with DISK_FULL
// and a reason a person understands, nothing new starts, and once space returns the download
// goes on by itself. A node started on the full disk comes up read-only with a warning, and
// `shoal get` says what is wrong instead of printing a stack trace.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const MiB = 1024 * 1024;
const isRoot = process.getuid?.() === 0;
const files = { running: randomContent(6 * MiB), restart: randomContent(6 * MiB), terminal: randomContent(1 * MiB) };
let temp: { path: string; remove(): Promise<void> };
let mountPoint: string;
let source: TestNode;
const fillers: string[] = [];

/** Takes every free byte of the small disk. */
async function fillDisk(): Promise<void> {
  const fs = await statfs(mountPoint);
  const name = join(mountPoint, `filler-${fillers.length}`);
  fillers.push(name);
  await writeFile(name, Buffer.alloc(Number(fs.bavail * fs.bsize))).catch(() => undefined);
  for (let i = 0; i < 64; i++) {
    const small = join(mountPoint, `filler-${fillers.length}`);
    fillers.push(small);
    await writeFile(small, Buffer.alloc(4096)).catch(() => undefined);
  }
}

async function freeDisk(): Promise<void> {
  for (const name of fillers.splice(0)) await rm(name, { force: true });
}

/** A node whose data folder is on the small disk, and what it logged. */
async function startNodeOnSmallDisk(root: string): Promise<{ node: TestNode; log: { level: number; msg: string }[] }> {
  const log: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  }));
  const node = await startTestNode({ root, dataDir: join(mountPoint, 'data'), logger });
  return { node, log };
}

beforeAll(async () => {
  if (!isRoot) return;
  temp = await makeTempDir();
  mountPoint = join(temp.path, 'small-disk');
  await mkdir(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]);
  // Slow enough that a download is still seconds from its end when the disk fills, however slowly
  // a loaded machine runs the test: at 2 MB/s the 6 MiB could land before a checkpoint failed.
  source = await startTestNode({ transfers: { max_upload_rate: '512KB' } });
  for (const [name, f] of Object.entries(files)) await writeFile(join(source.sharedDir, `${name}.bin`), f.data);
  await pollUntil(async () => (await source.client.listFiles()).total === 3, 'the source to hash');
}, 30_000);

afterAll(async () => {
  if (!isRoot) return;
  await source.destroy();
  execFileSync('umount', ['-l', mountPoint]);
  await temp.remove();
});

describe.skipIf(!isRoot)('a full data disk', () => {
  const peer = () => `127.0.0.1:${source.port}`;

  it('fails the download with DISK_FULL, keeps the node up, and goes on by itself once there is room', async () => {
    const { node } = await startNodeOnSmallDisk(join(temp.path, 'running'));
    try {
      const started = await startDownload(node, { fileId: files.running.id, peer: peer() });
      await waitForDownload(node, started.id, (d) => d.bytesVerified >= MiB / 2);
      await fillDisk(); // ~11 s before the download could end: a checkpoint (every second) fails first
      const failed = await waitForDownload(node, started.id, 'failed');
      expect(failed.error?.code).toBe('DISK_FULL');
      expect(failed.error?.message).toMatch(/data folder is full/);
      // Up, and clear about why nothing new starts.
      expect((await node.publicClient.getInfo()).id).toBe(node.id);
      await expect(node.client.startDownload({ body: { fileId: files.terminal.id, peer: peer() } })).rejects.toMatchObject({ status: 507, message: expect.stringMatching(/data folder is full/) });

      await freeDisk();
      const done = await waitForDownload(node, started.id, (d) => d.state === 'completed');
      expect((await readFile(done.path!)).equals(files.running.data)).toBe(true);
    } finally {
      await node.stop();
      await freeDisk();
      await rm(join(mountPoint, 'data'), { recursive: true, force: true });
    }
  }, 60_000);

  it('starts read-only on a full disk with a warning, and goes on once there is room', async () => {
    const root = join(temp.path, 'restart');
    let { node } = await startNodeOnSmallDisk(root);
    let started: DownloadView | undefined;
    try {
      started = await startDownload(node, { fileId: files.restart.id, peer: peer() });
      await waitForDownload(node, started.id, (d) => d.bytesVerified >= MiB);
      await node.stop();
      await fillDisk();
      const restarted = await startNodeOnSmallDisk(root);
      node = restarted.node;
      expect(restarted.log.some((l) => l.level === 40 && /data folder is full: Shoal starts read-only/.test(l.msg))).toBe(true);
      const held = await waitForDownload(node, started.id, 'failed');
      expect(held.error?.code).toBe('DISK_FULL');
      expect((await node.publicClient.getInfo()).id).toBe(node.id);
      await freeDisk();
      const done = await waitForDownload(node, started.id, (d) => d.state === 'completed');
      expect((await readFile(done.path!)).equals(files.restart.data)).toBe(true);
    } finally {
      await node.stop();
      await freeDisk();
    }
  }, 60_000);

  it('makes `shoal get` say the disk is full, not print a stack trace', async () => {
    await fillDisk();
    try {
      const out = join(temp.path, 'terminal-out');
      await mkdir(out);
      const cli = resolve(import.meta.dirname, '../../src-main/cli/main.ts');
      const child = spawn(process.execPath, ['--import', 'tsx', cli, 'get', files.terminal.id, '--peer', peer(), '-o', out, '--data', join(mountPoint, 'terminal')], {
        env: { PATH: process.env['PATH'], HOME: temp.path }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/full/);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await freeDisk();
    }
  }, 30_000);
});

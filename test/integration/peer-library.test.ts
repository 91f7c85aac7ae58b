// The library, for real: a node on port 0 watches a temporary folder; files are hashed by the
// worker pool and listed by the peer API.
import { mkdir, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { fileIdOf } from '../support/reference-tree.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function node(options?: Parameters<typeof startTestNode>[0]): Promise<TestNode> {
  const n = await startTestNode(options);
  cleanups.push(() => n.destroy());
  return n;
}

const files = (n: TestNode) => n.client.listFiles({ query: { pageSize: 200 } });
const byName = async (n: TestNode, name: string) => (await files(n)).items.find((f) => f.names.includes(name));

describe('library', () => {
  it('lists files dropped into the folder and its subfolders, with their content ids', async () => {
    const n = await node();
    await n.library.whenReady();
    await mkdir(join(n.sharedDir, 'music', 'live'), { recursive: true });
    await writeFile(join(n.sharedDir, 'notes.txt'), 'hello shoal');
    await writeFile(join(n.sharedDir, 'music', 'live', 'track.mp3'), Buffer.alloc(300_000, 7));
    // A picture named as text: its first bytes tell (the worker reads them, the node sniffs them).
    await writeFile(join(n.sharedDir, 'scan.txt'), Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'));
    const page = await pollUntil(async () => {
      const p = await files(n);
      return p.total === 3 && p;
    }, 'the three files listed');
    expect(page.items.find((f) => f.name === 'scan.txt')).toMatchObject({ mime: 'image/png', category: 'image' });
    const notes = page.items.find((f) => f.name === 'notes.txt');
    const track = page.items.find((f) => f.name === 'track.mp3');
    expect(notes?.id).toBe(fileIdOf('hello shoal'));
    expect(notes).toMatchObject({ size: 11, category: 'document', mime: 'text/plain', pieceCount: 1 });
    expect(track?.id).toBe(fileIdOf(Buffer.alloc(300_000, 7)));
    expect(track).toMatchObject({ category: 'audio', pieceCount: 2, pieceSize: 262144 });
    expect(track?.tags).toEqual(expect.arrayContaining(['mp3', 'audio']));
    // Local paths only go to the local user.
    expect(notes?.paths).toHaveLength(1);
    expect(notes?.paths?.[0]).toMatch(/notes\.txt$/);
    const anonymous = await n.publicClient.listFiles();
    expect(anonymous.items.every((f) => f.paths === undefined)).toBe(true);
  });

  it('ignores hidden, temporary and partial files, and symlinks leading out of the folder', async () => {
    const n = await node();
    const outside = await makeTempDir();
    cleanups.push(() => outside.remove());
    await writeFile(join(outside.path, 'secret.txt'), 'not for sharing');
    await n.library.whenReady();
    await mkdir(join(n.sharedDir, '.hidden'));
    await writeFile(join(n.sharedDir, '.hidden', 'inside.txt'), 'x');
    await writeFile(join(n.sharedDir, '.DS_Store'), 'x');
    await writeFile(join(n.sharedDir, 'draft.tmp'), 'x');
    await writeFile(join(n.sharedDir, 'movie.mkv.part'), 'x');
    await writeFile(join(n.sharedDir, 'movie.mkv.shoal-partial'), 'x');
    await writeFile(join(n.sharedDir, '~$report.docx'), 'x');
    await symlink(join(outside.path, 'secret.txt'), join(n.sharedDir, 'link.txt'));
    await symlink(outside.path, join(n.sharedDir, 'linkdir'));
    await writeFile(join(n.sharedDir, 'visible.txt'), 'y'); // the marker: once it is listed, the rest was seen too
    await pollUntil(() => byName(n, 'visible.txt'), 'visible.txt listed');
    await n.library.whenIdle();
    const page = await files(n);
    expect(page.items.map((f) => f.name)).toEqual(['visible.txt']);
    await expect(n.client.download({ params: { fileId: fileIdOf('not for sharing') } })).rejects.toMatchObject({ status: 404 });
  });

  it('follows renames and deletions, keeping one id for one content at several paths', async () => {
    const n = await node();
    await n.library.whenReady();
    await writeFile(join(n.sharedDir, 'a.txt'), 'same bytes');
    await mkdir(join(n.sharedDir, 'sub'));
    await writeFile(join(n.sharedDir, 'sub', 'b.txt'), 'same bytes');
    const id = fileIdOf('same bytes');
    const both = await pollUntil(async () => {
      const f = (await files(n)).items.find((x) => x.id === id);
      return f?.names.length === 2 && f;
    }, 'two locations of one content');
    expect(both.names.sort()).toEqual(['a.txt', 'b.txt']);
    expect((await files(n)).total).toBe(1);

    await rename(join(n.sharedDir, 'a.txt'), join(n.sharedDir, 'renamed.txt'));
    await pollUntil(async () => {
      const f = (await files(n)).items.find((x) => x.id === id);
      return f && f.names.includes('renamed.txt') && !f.names.includes('a.txt');
    }, 'rename reflected');

    await rm(join(n.sharedDir, 'renamed.txt'));
    await rm(join(n.sharedDir, 'sub'), { recursive: true });
    await pollUntil(async () => (await files(n)).total === 0, 'deletions reflected');
    await expect(n.client.getFile({ params: { fileId: id } })).rejects.toMatchObject({ status: 404 });
  });

  it('re-hashes a changed file, and nothing unchanged after a restart', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    let n = await startTestNode({ root: dir.path });
    await n.library.whenReady();
    for (let i = 0; i < 5; i++) await writeFile(join(n.sharedDir, `file-${i}.bin`), Buffer.alloc(10_000 + i, i));
    await pollUntil(async () => (await files(n)).total === 5, 'five files');
    await n.stop();

    n = await startTestNode({ root: dir.path });
    cleanups.push(() => n.stop());
    await n.library.whenIdle();
    let stats = await n.client.getStats();
    expect(stats.hashing.hashedFiles).toBe(0);
    expect(stats.files).toBe(5);
    await n.stop();

    // Changed while the node was down: only that file is hashed again.
    await writeFile(join(n.sharedDir, 'file-0.bin'), 'new content');
    await utimes(join(n.sharedDir, 'file-0.bin'), new Date(), new Date(Date.now() + 5000));
    await rm(join(n.sharedDir, 'file-4.bin'));
    n = await startTestNode({ root: dir.path });
    cleanups.push(() => n.stop());
    await n.library.whenIdle();
    stats = await n.client.getStats();
    expect(stats.hashing.hashedFiles).toBe(1);
    expect(stats.files).toBe(4);
    expect((await byName(n, 'file-0.bin'))?.id).toBe(fileIdOf('new content'));
  });

  it('shares by path from outside the folder, unshares, and remembers both across a restart', async () => {
    const dir = await makeTempDir();
    const elsewhere = await makeTempDir();
    cleanups.push(() => dir.remove(), () => elsewhere.remove());
    await writeFile(join(elsewhere.path, 'report.pdf'), '%PDF-1.4 fake');
    await mkdir(join(elsewhere.path, 'photos'));
    await writeFile(join(elsewhere.path, 'photos', 'one.jpg'), 'jpeg-ish');
    let n = await startTestNode({ root: dir.path });
    await n.library.whenReady();
    await writeFile(join(n.sharedDir, 'inside.txt'), 'inside');

    expect(await n.client.shareFiles({ body: { path: join(elsewhere.path, 'report.pdf') } })).toMatchObject({ kind: 'file', status: 'queued' });
    expect(await n.client.shareFiles({ body: { path: join(elsewhere.path, 'photos') } })).toMatchObject({ kind: 'folder' });
    await pollUntil(async () => (await files(n)).total === 3, 'three files');

    const inside = fileIdOf('inside');
    await n.client.unshareFile({ params: { fileId: inside } });
    expect((await files(n)).total).toBe(2);
    await n.stop();

    n = await startTestNode({ root: dir.path });
    cleanups.push(() => n.stop());
    await n.library.whenIdle();
    const names = (await files(n)).items.map((f) => f.name).sort();
    expect(names).toEqual(['one.jpg', 'report.pdf']);
    // A file added later to a folder shared by path is picked up too.
    await writeFile(join(elsewhere.path, 'photos', 'two.jpg'), 'more jpeg');
    await pollUntil(() => byName(n, 'two.jpg'), 'two.jpg listed');
  });

  it('tells a WebSocket subscriber of every file indexed, as the API lists it', async () => {
    const n = await node();
    await n.library.whenReady();
    const ws = new WebSocket(`${n.url.replace('http', 'ws')}/ws?token=${n.token}`);
    cleanups.push(async () => ws.close());
    const updates = new Map<string, unknown>();
    ws.on('message', (m) => {
      const event = JSON.parse(String(m)) as { type: string; data: { id: string } };
      if (event.type === 'library_file_updated') updates.set(event.data.id, event.data);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    // Small files come back from the hash pool in batches, written and published together.
    await mkdir(join(n.sharedDir, 'notes', 'old'), { recursive: true });
    for (let i = 0; i < 40; i++) await writeFile(join(n.sharedDir, 'notes', i % 2 ? 'old' : '', `note-${i}.txt`), `note ${i}`);
    await writeFile(join(n.sharedDir, 'video.mp4'), Buffer.alloc(3 * 1024 * 1024, 9));
    const listed = await pollUntil(async () => {
      const page = await files(n);
      return page.total === 41 && page.items;
    }, 'every file listed');
    await pollUntil(() => updates.size === 41, 'an update for every file');
    for (const file of listed) expect(updates.get(file.id)).toEqual(file);
  });

  it('reports hashing progress on /api/v1/stats and the WebSocket', async () => {
    const n = await node();
    await n.library.whenReady();
    const ws = new WebSocket(n.url.replace('http', 'ws') + '/ws');
    const events: { type: string; data: unknown }[] = [];
    ws.on('message', (m) => events.push(JSON.parse(String(m)) as { type: string; data: unknown }));
    await new Promise((resolve) => ws.once('open', resolve));
    await writeFile(join(n.sharedDir, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
    await pollUntil(() => events.some((e) => e.type === 'library_file_updated'), 'library event');
    await pollUntil(() => events.some((e) => e.type === 'stats_update'), 'stats event');
    // Progress events come at most four times a second: the last one may follow the file's own.
    await pollUntil(() => events.some((e) => e.type === 'hashing_progress' && (e.data as { hashedBytes: number }).hashedBytes === 8 * 1024 * 1024), 'a progress event with the file hashed');
    const stats = await n.client.getStats();
    expect(stats.hashing.hashedBytes).toBe(8 * 1024 * 1024);
    expect(stats.totalBytes).toBe(8 * 1024 * 1024);
    ws.close();
  });
});

// The library's folder watcher, for real: one watch per folder (not per file) must still see
// everything users do in a shared tree: whole trees dropped in at once, folders renamed, atomic
// saves, files written slowly, and folders appearing and disappearing.
import { appendFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { fileIdOf } from '../support/reference-tree.js';


const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function node(): Promise<TestNode> {
  const n = await startTestNode();
  cleanups.push(() => n.destroy());
  await n.library.whenReady();
  return n;
}

const files = async (n: TestNode) => (await n.client.listFiles({ query: { pageSize: 200 } })).items;
const hashed = async (n: TestNode) => (await n.client.getStats()).hashing.hashedFiles;

describe('library watching', () => {
  it('picks up a whole tree created at once, files written before its folders were watched included', async () => {
    const n = await node();
    const deep = join(n.sharedDir, 'a', 'b', 'c');
    await mkdir(deep, { recursive: true });
    await writeFile(join(n.sharedDir, 'a', 'one.txt'), 'one');
    await writeFile(join(deep, 'three.txt'), 'three');
    await pollUntil(async () => (await files(n)).length === 2, 'both files of the new tree');
    // A file added later deep inside the new tree: its folder is watched now.
    await writeFile(join(deep, 'later.txt'), 'later');
    await pollUntil(async () => (await files(n)).some((f) => f.id === fileIdOf('later')), 'a file added later inside the new tree');
  });

  it('follows a renamed folder without hashing its files again', async () => {
    const n = await node();
    await mkdir(join(n.sharedDir, 'old', 'inner'), { recursive: true });
    await writeFile(join(n.sharedDir, 'old', 'x.txt'), 'x');
    await writeFile(join(n.sharedDir, 'old', 'inner', 'y.txt'), 'y');
    await pollUntil(async () => (await files(n)).length === 2, 'two files');
    await n.library.whenIdle();
    const before = await hashed(n);

    await rename(join(n.sharedDir, 'old'), join(n.sharedDir, 'new'));
    await pollUntil(async () => {
      const paths = (await files(n)).flatMap((f) => f.paths ?? []);
      return paths.length === 2 && paths.every((p) => p.includes(`${join(n.sharedDir, 'new')}/`));
    }, 'paths under the new folder name');
    await n.library.whenIdle();
    expect(await hashed(n)).toBe(before);

    // The renamed folder is watched under its new name.
    await writeFile(join(n.sharedDir, 'new', 'inner', 'z.txt'), 'z');
    await pollUntil(async () => (await files(n)).some((f) => f.id === fileIdOf('z')), 'a file added to the renamed folder');
  });

  it('follows a renamed folder without hashing its files again when the new name settles before the old one', async () => {
    // The watcher settles each path on its own: here the old name keeps changing (a folder of that
    // name made and removed again and again), so the new folder is walked, and its files looked
    // at, long before the old name is seen gone.
    const n = await node();
    const oldDir = join(n.sharedDir, 'old');
    const newDir = join(n.sharedDir, 'new');
    await mkdir(join(oldDir, 'inner'), { recursive: true });
    await writeFile(join(oldDir, 'x.txt'), 'x');
    await writeFile(join(oldDir, 'inner', 'y.txt'), 'y');
    await pollUntil(async () => (await files(n)).length === 2, 'two files');
    await n.library.whenIdle();
    const before = await hashed(n);

    await rename(oldDir, newDir);
    let keepBusy = true;
    const busy = (async () => {
      while (keepBusy) {
        await mkdir(oldDir);
        await rm(oldDir, { recursive: true });
        await delay(10); // well within the test node's 150 ms settle time: the old name never settles
      }
    })();
    try {
      await pollUntil(async () => (await files(n)).every((f) => f.paths?.some((p) => p.startsWith(`${newDir}/`))), 'both files under the new name');
    } finally {
      keepBusy = false;
      await busy;
    }
    await pollUntil(async () => {
      const paths = (await files(n)).flatMap((f) => f.paths ?? []);
      return paths.length === 2 && paths.every((p) => p.startsWith(`${newDir}/`));
    }, 'only the paths under the new folder name');
    await n.library.whenIdle();
    expect(await hashed(n)).toBe(before);
  });

  it('keeps both paths of a hard link: the new one holds the same stamp, but the old one still does too', async () => {
    const n = await node();
    await writeFile(join(n.sharedDir, 'first.txt'), 'linked');
    await pollUntil(async () => (await files(n)).length === 1, 'the file');
    await link(join(n.sharedDir, 'first.txt'), join(n.sharedDir, 'second.txt'));
    await pollUntil(async () => (await files(n))[0]?.paths?.length === 2, 'both paths of the one content');
    await n.library.whenIdle();
    const paths = (await files(n)).flatMap((f) => f.paths ?? []).sort();
    expect(paths).toEqual([join(n.sharedDir, 'first.txt'), join(n.sharedDir, 'second.txt')]);
  });

  it('sees an atomic save (write a temporary file, rename it over) and an in-place change in a subfolder', async () => {
    const n = await node();
    const dir = join(n.sharedDir, 'docs');
    await mkdir(dir);
    await writeFile(join(dir, 'doc.txt'), 'version 1');
    await writeFile(join(dir, 'other.txt'), 'other 1');
    await pollUntil(async () => (await files(n)).length === 2, 'two files');

    await writeFile(join(dir, 'doc.txt.tmp'), 'version 2');
    await rename(join(dir, 'doc.txt.tmp'), join(dir, 'doc.txt'));
    await writeFile(join(dir, 'other.txt'), 'other 2');
    await pollUntil(async () => {
      const ids = (await files(n)).map((f) => f.id).sort();
      return ids.length === 2 && ids.join() === [fileIdOf('version 2'), fileIdOf('other 2')].sort().join();
    }, 'both new contents, nothing else');
  });

  it('hashes a file written in several chunks once, when the writes have settled', async () => {
    const n = await node();
    const path = join(n.sharedDir, 'slow.bin');
    const chunk = Buffer.alloc(64 * 1024, 3);
    // The test node's settle time is 150 ms; chunks arrive faster than that.
    for (let i = 0; i < 5; i++) {
      await appendFile(path, chunk);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const all = Buffer.concat(Array.from({ length: 5 }, () => chunk));
    await pollUntil(async () => (await files(n)).some((f) => f.id === fileIdOf(all)), 'the whole file listed');
    await n.library.whenIdle();
    expect(await hashed(n)).toBe(1);
    expect(await files(n)).toHaveLength(1);
  });

  it('forgets a deleted folder and everything in it, and sees a folder of the same name again', async () => {
    const n = await node();
    const dir = join(n.sharedDir, 'gone');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'a.txt'), 'a');
    await writeFile(join(dir, 'sub', 'b.txt'), 'b');
    await writeFile(join(n.sharedDir, 'stays.txt'), 'stays');
    await pollUntil(async () => (await files(n)).length === 3, 'three files');

    await rm(dir, { recursive: true });
    await pollUntil(async () => {
      const list = await files(n);
      return list.length === 1 && list[0]?.name === 'stays.txt';
    }, 'only the file outside the deleted folder');

    await mkdir(dir);
    await writeFile(join(dir, 'c.txt'), 'c');
    await pollUntil(async () => (await files(n)).some((f) => f.id === fileIdOf('c')), 'a file in the re-created folder');
  });
});

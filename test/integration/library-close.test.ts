// Stopping a node while its library is busy (issue 12, "one lifecycle"): Library.close() stops the
// walk, cancels what waits to be hashed and drops what the hash pool still holds without a word.
// Before, a stop in the middle of a start-up rescan logged one "hash pool was closed" warning per
// file the pool held (320 with two workers). Real node, real files, real hash workers.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const FILES = 1_200;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A temp root whose shared folder already holds FILES small files in 12 folders, before any node starts. */
async function manyFiles(): Promise<string> {
  const temp = await makeTempDir();
  cleanups.push(() => temp.remove());
  for (let d = 0; d < 12; d++) {
    const dir = join(temp.path, 'shared', `folder-${d}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(Array.from({ length: FILES / 12 }, (_, i) => writeFile(join(dir, `file-${i}.txt`), `folder ${d}, file ${i}\n`.repeat(40))));
  }
  return temp.path;
}

/** A node whose warnings and errors are kept. */
async function loggedNode(root: string): Promise<{ n: TestNode; problems: { level: number; msg: string; err?: { message?: string } }[] }> {
  const problems: { level: number; msg: string; err?: { message?: string } }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) problems.push(JSON.parse(line) as (typeof problems)[number]);
      done();
    },
  });
  const n = await startTestNode({ root, logger: pino({ level: 'warn' }, sink) });
  cleanups.push(() => n.stop());
  return { n, problems };
}

describe('stopping a busy library', () => {
  it('stops mid-rescan at once, with no warning for the files it did not hash, and keeps what it hashed', async () => {
    const root = await manyFiles();
    const { n, problems } = await loggedNode(root);
    // The pool is hashing, and most files still wait.
    const busy = await pollUntil(() => {
      const h = n.library.hashingStatus();
      return h.activeFiles > 0 && h.hashedFiles < FILES / 2 && h;
    }, 'hashing under way', 30_000, 5);
    expect(busy.queuedFiles + busy.activeFiles).toBeGreaterThan(0);

    // That close cancels the hashing is shown by counts: the files it left are hashed by the next
    // start, where a close that waited for the queue would leave none. (It was timed against 1 s, and
    // a loaded machine's slow close failed that while the counts held; the wall clock now only
    // bounds a close that hangs.)
    const started = Date.now();
    await n.library.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(n.library.hashingStatus()).toMatchObject({ queuedFiles: 0, queuedBytes: 0 });
    await n.stop(); // closes the pool under the jobs it held
    await n.library.whenIdle(); // a closed library is idle
    // Every file this node hashed, whether or not it was recorded: the queue's rest never was.
    const hashedHere = n.library.hashingStatus().hashedFiles;
    expect(hashedHere).toBeLessThan(FILES);

    expect(problems.map((p) => `${p.msg}: ${p.err?.message ?? ''}`)).toEqual([]);

    // Nothing was lost: the next start hashes the rest, and lists every file.
    const { n: again, problems: later } = await loggedNode(root);
    await again.library.whenIdle();
    expect(again.library.counts().locations).toBe(FILES);
    expect(again.library.hashingStatus().hashedFiles).toBeLessThanOrEqual(FILES - busy.hashedFiles);
    expect(again.library.hashingStatus().hashedFiles).toBeGreaterThanOrEqual(FILES - hashedHere); // what close cancelled
    expect(later).toEqual([]);
  }, 120_000);

  it('stops during the start-up walk without a failed rescan', async () => {
    const root = await manyFiles();
    const { n, problems } = await loggedNode(root);
    const started = Date.now();
    await n.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    await n.library.whenReady();
    expect(problems).toEqual([]);
  }, 60_000);
});

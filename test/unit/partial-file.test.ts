// The partial file a download writes into: pieces written at once, in any order, land at their
// offsets (those that queue up go out together, adjacent ones in one pwritev); a run that
// cannot be written fails its own callers only, and the file is never anything but what was written.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writevSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartialFile } from '../../src-main/core/downloads/partial-file.js';
import { makeTempDir } from '../support/temp-dir.js';

const PIECE = 64 * 1024;
const BEYOND = 2 ** 50;

/** Whether the temp folder's file system refuses a write at `position`. */
function refusesBeyond(position: number): boolean {
  const probe = join(tmpdir(), `shoal-efbig-${process.pid}`);
  const fd = openSync(probe, 'w');
  try {
    writevSync(fd, [Buffer.alloc(1)], position);
    return false;
  } catch {
    return true;
  } finally {
    closeSync(fd);
    rmSync(probe);
  }
}
let temp: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(() => temp.remove());

/** A shuffled copy, the same every run (a fixed linear congruential sequence). */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('PartialFile', () => {
  it('is created at its full size, and pieces written all at once in any order land at their offsets', async () => {
    const content = randomBytes(200 * PIECE + 1234); // a short last piece
    const path = join(temp.path, 'f.shoal-partial');
    const file = await PartialFile.open(path, content.length);
    expect(file.created).toBe(true);
    expect((await stat(path)).size).toBe(content.length);

    const pieces = Array.from({ length: Math.ceil(content.length / PIECE) }, (_, i) => i);
    // Some in order (adjacent runs), the rest shuffled, all queued before the first one ends.
    const order = [...pieces.slice(0, 80), ...shuffled(pieces.slice(80))];
    await Promise.all(order.map((i) => file.write(i * PIECE, Buffer.from(content.subarray(i * PIECE, (i + 1) * PIECE)))));
    await file.sync();
    await file.close();
    expect((await readFile(path)).equals(content)).toBe(true);

    const again = await PartialFile.open(path, content.length);
    expect(again.created).toBe(false);
    await again.close();
    expect((await readFile(path)).equals(content)).toBe(true); // opening it again changes nothing
  });

  // Past what a file may hold on ext4 and most file systems (EFBIG); where it is not, there is no
  // failing write to make without root.
  it.runIf(refusesBeyond(BEYOND))('fails only the writes of a run it could not make: the other runs land, and the next write is tried afresh', async () => {
    const path = join(temp.path, 'g.shoal-partial');
    const file = await PartialFile.open(path, 4 * PIECE);
    // That run fails; the run at the start of the file, queued with it, lands.
    const beyond = BEYOND;
    const results = await Promise.allSettled([
      file.write(0, Buffer.alloc(PIECE, 1)), file.write(PIECE, Buffer.alloc(PIECE, 2)),
      file.write(beyond, Buffer.alloc(PIECE, 3)), file.write(beyond + PIECE, Buffer.alloc(PIECE, 4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    await file.write(2 * PIECE, Buffer.alloc(PIECE, 5));
    await file.close();
    expect((await readFile(path)).equals(Buffer.concat([Buffer.alloc(PIECE, 1), Buffer.alloc(PIECE, 2), Buffer.alloc(PIECE, 5), Buffer.alloc(PIECE)]))).toBe(true);
  });
  it('writes pieces bigger than one write call takes (16 MiB pieces go out 1 MiB at a time), whole and in place', async () => {
    const big = 3 * 1024 * 1024 + 5;
    const content = randomBytes(2 * big);
    const path = join(temp.path, 'big.shoal-partial');
    const file = await PartialFile.open(path, content.length);
    await Promise.all([file.write(big, Buffer.from(content.subarray(big))), file.write(0, Buffer.from(content.subarray(0, big)))]);
    await file.close();
    expect((await readFile(path)).equals(content)).toBe(true);
  });
});

// The download manager's small parts: piece choice and the endgame, the bitfield, safe names,
// the rate limiter, unique destinations, the whole-file hasher.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PieceBitfield } from '../../src-main/core/downloads/piece-bitfield.js';
import { PiecePicker } from '../../src-main/core/downloads/piece-picker.js';
import { safeFileName } from '../../src-main/core/downloads/safe-file-name.js';
import { reserveUniquePath } from '../../src-main/core/downloads/unique-destination.js';
import { WholeFileHasher } from '../../src-main/core/downloads/whole-file-hasher.js';
import { RateLimiter } from '../../src-main/core/transfers/rate-limiter.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('PiecePicker', () => {
  it('hands out runs of pieces in file order, skipping verified and asked ones', () => {
    const bits = new PieceBitfield(8);
    bits.set(2);
    const picker = new PiecePicker(bits);
    expect(picker.pick('a', 0, 0, 4)).toEqual([0, 1]); // a run stops at a verified piece
    expect(picker.pick('b', 0, 0, 4)).toEqual([3, 4, 5, 6]);
    picker.release(4, 'b'); // not delivered: back in the pool
    expect(picker.pick('a', 0, 0, 4)).toEqual([4]);
    expect(picker.pick('a', 0, 0, 1)).toEqual([7]);
  });

  it('copies only late pieces in the endgame, never twice to one source, at most three copies', () => {
    const bits = new PieceBitfield(2);
    const picker = new PiecePicker(bits);
    expect(picker.pick('a', 0)).toEqual([0]);
    expect(picker.pick('a', 0)).toEqual([1]);
    expect(picker.inEndgame).toBe(true);
    expect(picker.pick('b', 100, 500)).toEqual([]); // not late yet
    expect(picker.pick('b', 600, 500)).toEqual([0]);
    expect(picker.pick('b', 600, 500)).toEqual([1]);
    expect(picker.pick('b', 600, 500)).toEqual([]); // b has both already
    expect(picker.pick('c', 600, 500)).toEqual([0]);
    expect(picker.pick('d', 600, 500)).toEqual([1]);
    expect(picker.pick('e', 600, 500)).toEqual([]); // three copies of each
  });

  it('expects pieces further into a run later before copying them', () => {
    const picker = new PiecePicker(new PieceBitfield(3));
    expect(picker.pick('a', 0, 0, 3, 100)).toEqual([0, 1, 2]);
    expect(picker.pick('b', 450, 300, 1, 100)).toEqual([0]); // piece 0: 450 ms late; piece 2 is due at 200
    expect(picker.pick('b', 450, 300, 1, 100)).toEqual([1]);
    expect(picker.pick('b', 450, 300, 1, 100)).toEqual([]);
  });

  it('asks a source that sent a bad copy for that piece only as a last resort', () => {
    const bits = new PieceBitfield(3);
    const picker = new PiecePicker(bits);
    expect(picker.pick('a')).toEqual([0]);
    picker.failedBy(0, 'a');
    picker.release(0, 'a');
    expect(picker.pick('a')).toEqual([1]);
    expect(picker.pick('b')).toEqual([0]);
    picker.failedBy(2, 'a');
    bits.set(0);
    picker.release(0, 'b');
    bits.set(1);
    picker.release(1, 'a');
    expect(picker.pick('a')).toEqual([2]); // nothing else left: it may try again
  });
});

describe('PieceBitfield', () => {
  it('counts, survives a round trip, and ignores a stored field of the wrong size', () => {
    const bits = new PieceBitfield(10);
    for (const i of [0, 7, 9]) bits.set(i);
    bits.set(7);
    expect(bits.count).toBe(3);
    const again = new PieceBitfield(10, bits.toBuffer());
    expect([...Array(10).keys()].filter((i) => again.has(i))).toEqual([0, 7, 9]);
    expect(new PieceBitfield(100, bits.toBuffer()).count).toBe(0);
    const full = new PieceBitfield(3, Buffer.from([0xff]));
    expect(full.count).toBe(3);
    expect(full.complete).toBe(true);
  });
});

describe('safeFileName', () => {
  it.each([
    ['holiday.mkv', 'holiday.mkv'],
    ['../../etc/passwd', 'passwd'],
    ['/', 'fallback.bin'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['.bashrc', 'bashrc'],
    ['CON.txt', '_CON.txt'],
    ['a\u0000b\nc', 'a_b_c'],
    ['trailing dots...', 'trailing dots'],
    ['...', 'fallback.bin'],
    ['résumé 日本.pdf', 'résumé 日本.pdf'],
  ])('%j → %j', (name, expected) => {
    expect(safeFileName(name, 'fallback.bin')).toBe(expected);
  });

  it('shortens long names by code point, keeping the extension', () => {
    const name = `${'日'.repeat(300)}.mp4`;
    const safe = safeFileName(name, 'x');
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200);
    expect(safe.endsWith('日.mp4')).toBe(true);
  });
});

describe('RateLimiter', () => {
  it('lets a rate through and asks to wait for what is over it; 0 is unlimited', () => {
    let now = 0;
    const limiter = new RateLimiter(1000, () => now);
    expect(limiter.consume(5000)).toBe(5000); // 5 s worth, nothing saved up yet
    now = 5100; // the debt is paid after 5 s; 0.1 s more saves up 100 bytes
    expect(limiter.consume(100)).toBe(0);
    limiter.setRate(0);
    expect(limiter.consume(1e9)).toBe(0);
  });

  it('saves up at most a quarter of a second, so a burst cannot exceed the rate', () => {
    let now = 0;
    const limiter = new RateLimiter(1_000_000, () => now);
    now = 60_000; // a minute idle
    expect(limiter.consume(250_000)).toBe(0);
    expect(limiter.consume(100_000)).toBeCloseTo(100, 0);
  });
});

describe('reserveUniquePath', () => {
  it('never takes an existing name', async () => {
    const dir = await makeTempDir();
    try {
      await writeFile(join(dir.path, 'song.mp3'), 'mine');
      await writeFile(join(dir.path, 'song (1).mp3'), 'mine too');
      expect(await reserveUniquePath(dir.path, 'song.mp3')).toBe(join(dir.path, 'song (2).mp3'));
      expect(await reserveUniquePath(dir.path, 'README')).toBe(join(dir.path, 'README'));
      expect(await reserveUniquePath(dir.path, 'README')).toBe(join(dir.path, 'README (1)'));
      expect(await readFile(join(dir.path, 'song.mp3'), 'utf8')).toBe('mine');
      expect((await readdir(dir.path)).length).toBe(5);
    } finally {
      await dir.remove();
    }
  });
});

describe('WholeFileHasher', () => {
  const pieces = ['aa', 'bb', 'cc', 'dd'].map((s) => Buffer.from(s));
  const expected = createHash('sha256').update('aabbccdd').digest('hex');

  async function hashInOrder(order: number[], keepBytes: number): Promise<{ digest: string; reads: number[] }> {
    const verified = new Set<number>();
    const reads: number[] = [];
    const hasher = new WholeFileHasher(4, (i) => verified.has(i), async (i) => {
      reads.push(i);
      return pieces[i]!;
    }, keepBytes);
    for (const i of order) {
      verified.add(i);
      hasher.pieceVerified(i, [pieces[i]!]);
    }
    return { digest: await hasher.digest(), reads };
  }

  it('gives the file hash whatever order the pieces arrive in, holding early ones in memory', async () => {
    expect(await hashInOrder([2, 0, 3, 1], 1024)).toEqual({ digest: expected, reads: [] });
  });

  it('reads early pieces back from disk when holding them would take too much memory', async () => {
    expect(await hashInOrder([2, 0, 3, 1], 0)).toEqual({ digest: expected, reads: [2, 3] });
  });
});

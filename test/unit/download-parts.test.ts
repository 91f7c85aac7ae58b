// The download manager's small parts: piece choice and the endgame, the bitfield, safe names,
// the rate limiter, unique destinations, piece buffers and checks, the whole-file digest thread.
import { randomBytes, randomFillSync } from 'node:crypto';
import { readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HashThread } from '../../src-main/core/hashing/hash-thread.js';
import { PieceBitfield } from '../../src-main/core/downloads/piece-bitfield.js';
import { PieceBuffers } from '../../src-main/core/downloads/piece-buffers.js';
import { MAX_ENDGAME_COPIES, PiecePicker } from '../../src-main/core/downloads/piece-picker.js';
import { RateWatchdog } from '../../src-main/core/downloads/rate-watchdog.js';
import { nativeCheckPiece } from '../../src-main/core/hashing/leaf-hasher.js';
import { pieceRoot } from '../../src-main/core/hashing/merkle-tree.js';
import { safeFileName } from '../../src-main/core/files/safe-file-name.js';
import { reserveUniquePath } from '../../src-main/core/files/unique-destination.js';
import { RateLimiter } from '../../src-main/core/transfers/rate-limiter.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sha256, sha256Bytes } from '../support/sha256.js';

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

  it('never hands out a verified piece again, even while a slow copy of it is still in flight', () => {
    const bits = new PieceBitfield(2);
    const picker = new PiecePicker(bits);
    expect(picker.pick('slow', 0, 0, 2)).toEqual([0, 1]);
    expect(picker.pick('fast', 600, 500)).toEqual([0]);
    bits.set(0);
    picker.verified(0);
    picker.release(0, 'fast');
    // The slow source still holds its run: only the piece still missing is worth a copy.
    expect(picker.pick('fast', 700, 500)).toEqual([1]);
    bits.set(1);
    picker.verified(1);
    picker.release(1, 'fast');
    expect(picker.pick('fast', 800, 500)).toEqual([]);
  });

  it('copies a piece at most MAX_ENDGAME_COPIES times in all, however often the copies fail', () => {
    const picker = new PiecePicker(new PieceBitfield(1));
    expect(picker.pick('slow', 0)).toEqual([0]);
    for (let i = 0; i < MAX_ENDGAME_COPIES; i++) {
      expect(picker.pick('fast', 600, 500)).toEqual([0]);
      picker.release(0, 'fast'); // the copy failed
    }
    expect(picker.pick('fast', 600, 500)).toEqual([]);
    picker.release(0, 'slow'); // the slow source was cut off: the piece is open again
    expect(picker.pick('fast', 700, 500)).toEqual([0]);
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

describe('RateWatchdog', () => {
  it('calls a steady trickle slow, counts only the time it watched, and judges each window afresh', () => {
    vi.useFakeTimers();
    try {
      const slow: string[] = [];
      const trickle = new RateWatchdog(2000, (why) => slow.push(why), 1024);
      trickle.watch();
      for (let s = 0; s < 2; s++) {
        trickle.received(1);
        vi.advanceTimersByTime(1000);
      }
      expect(slow).toEqual(['sent 2 bytes in 2 s, less than the 1 KiB/s a source must keep up']);

      const paused: string[] = [];
      const ours = new RateWatchdog(2000, (why) => paused.push(why), 1024);
      ours.watch();
      ours.received(2048);
      vi.advanceTimersByTime(1500);
      ours.pause(); // our own rate limit: not the source's time
      vi.advanceTimersByTime(10_000);
      ours.watch();
      vi.advanceTimersByTime(600); // the first window ends, with enough bytes
      expect(paused).toEqual([]);
      vi.advanceTimersByTime(2000); // the second has none
      expect(paused).toEqual(['no data for 2 s']);
    } finally {
      vi.useRealTimers();
    }
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

describe('PieceBuffers', () => {
  it('reuses a returned buffer, cut to the length asked', () => {
    const buffers = new PieceBuffers(1024, 1024); // keeps two
    const first = buffers.take(1024);
    expect(first.byteOffset).toBe(0);
    buffers.give(first);
    const again = buffers.take(10);
    expect(again.length).toBe(10);
    expect(again.buffer).toBe(first.buffer);
    expect(buffers.take(1024).buffer).not.toBe(first.buffer); // the only kept one is in use
    expect(buffers.heldBytes).toBe(2048);
  });
});

describe('HashThread', () => {
  // Where the addon is built, pieces are checked on the thread pool; elsewhere in the hash thread.
  const ways = { 'on the thread pool (native addon)': nativeCheckPiece ?? null, 'in the hash thread': null };
  for (const [way, checkPiece] of Object.entries(ways)) {
    it.skipIf(way.includes('native') && !nativeCheckPiece)(`${way}: checks pieces against their tree node without copying them, and refuses a buffer it does not own`, async () => {
      const hasher = new HashThread(checkPiece);
      try {
        // Two 16 KiB leaves and a short third, padded to four: the node is the root of that subtree.
        const big = new PieceBuffers(64 * 1024, 64 * 1024).take(40_000).fill(7);
        const node = pieceRoot(big, 4);
        const checked = await hasher.check(big, node, 4);
        expect(checked.matches).toBe(true);
        expect((await hasher.check(checked.data, node, 8)).matches).toBe(false); // another padding is another node

        const piece = new PieceBuffers(4096, 4096).take(3000).fill(1);
        const memory = piece.buffer;
        const sha = sha256Bytes(piece); // one leaf: the node is its hash
        const first = await hasher.check(piece, sha, 1);
        expect(first.matches).toBe(true);
        expect(first.data.length).toBe(3000);
        if (checkPiece) expect(first.data.buffer).toBe(memory); // read where it is
        else expect([piece.length, memory.byteLength]).toEqual([0, 0]); // moved to the thread and back
        first.data[3] = 2;
        const second = await hasher.check(first.data, sha, 1);
        expect(second.matches).toBe(false);
        expect(second.data[3]).toBe(2);
        await expect(hasher.check(Buffer.from('a slice of the shared pool'), sha, 1)).rejects.toThrow(/owns its memory/);
      } finally {
        await hasher.close();
      }
    });
  }

  it.skipIf(!nativeCheckPiece)('on the thread pool: many pieces at once, each answered for itself, and a subtree too small refused', async () => {
    const hasher = new HashThread(nativeCheckPiece!);
    try {
      const pieces = Array.from({ length: 24 }, (_, i) => {
        const data = new PieceBuffers(256 * 1024, 256 * 1024).take(i === 23 ? 70_000 : 256 * 1024);
        randomFillSync(data);
        return data;
      });
      const nodes = pieces.map((p) => pieceRoot(p, 16));
      nodes[5] = Buffer.from(nodes[6]!); // a lying node: piece 5 does not match it
      const results = await Promise.all(pieces.map((p, i) => hasher.check(p, nodes[i]!, 16)));
      expect(results.map((r) => r.matches)).toEqual(pieces.map((_, i) => i !== 5));
      await expect(hasher.check(pieces[0]!, nodes[0]!, 8)).rejects.toThrow(/power of two, at least/); // 16 blocks in 8 leaves
      await expect(hasher.check(pieces[0]!, nodes[0]!, 24)).rejects.toThrow(/power of two/);
    } finally {
      await hasher.close();
    }
  });

  it('hashes whole files step by step, several at once, off the main thread', async () => {
    const dir = await makeTempDir();
    const hasher = new HashThread();
    try {
      const a = randomBytes(5 * 1024 * 1024 + 3);
      const b = randomBytes(1000);
      await writeFile(join(dir.path, 'a'), a);
      await writeFile(join(dir.path, 'b'), b);
      const [da, db] = await Promise.all([hasher.startDigest(join(dir.path, 'a')), hasher.startDigest(join(dir.path, 'b'))]);
      for (const end of [1, 4096, 3 * 1024 * 1024, 3 * 1024 * 1024, 2, a.length]) await da.advance(end);
      await db.advance(b.length);
      const [ha, hb] = await Promise.all([da.digest(), db.digest()]);
      expect(ha).toBe(sha256(a));
      expect(hb).toBe(sha256(b));
      await expect(da.digest()).rejects.toThrow(/ended/);

      // A file shorter than expected fails its step; others go on.
      await truncate(join(dir.path, 'b'), 10);
      const short = await hasher.startDigest(join(dir.path, 'b'));
      const empty = await hasher.startDigest(join(dir.path, 'a'));
      await expect(short.advance(1000)).rejects.toThrow(/shorter/);
      await expect(short.digest()).rejects.toThrow(/ended/);
      expect(await empty.digest()).toBe(sha256(''));
      await expect(hasher.startDigest(join(dir.path, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await hasher.close();
      await dir.remove();
    }
  });

  it('fails a digest still open when the node stops', async () => {
    const dir = await makeTempDir();
    const hasher = new HashThread();
    try {
      await writeFile(join(dir.path, 'a'), 'abc');
      const d = await hasher.startDigest(join(dir.path, 'a'));
      const digest = expect(d.digest()).rejects.toThrow(/stopping/); // asked in the same tick: no answer yet
      await hasher.close();
      await digest;
    } finally {
      await dir.remove();
    }
  });
});

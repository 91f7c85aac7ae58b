import { describe, expect, it } from 'vitest';
import { MAX_PIECE_SIZE, MIN_PIECE_SIZE, pieceCountFor, pieceSizeFor } from '../../src-shared/piece-size.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('pieceSizeFor', () => {
  it('uses 256 KiB pieces for empty and small files', () => {
    expect(pieceSizeFor(0)).toBe(256 * KiB);
    expect(pieceSizeFor(1)).toBe(256 * KiB);
    expect(pieceSizeFor(2000 * 256 * KiB)).toBe(256 * KiB);
    expect(MIN_PIECE_SIZE).toBe(256 * KiB);
  });

  it('doubles the piece size once 2,000 pieces would not be enough', () => {
    expect(pieceSizeFor(2000 * 256 * KiB + 1)).toBe(512 * KiB);
    expect(pieceSizeFor(1 * GiB)).toBe(1 * MiB);
  });

  // 2,000 pieces of the 16 MiB cap cover 31.25 GiB; right at 32 GiB a file has 2,048 ("about 2,000").
  it('is always a power of two within bounds, giving at most 2,000 pieces up to 31.25 GiB', () => {
    const sizes = [0, 1, 1000, 256 * KiB, 256 * KiB + 1, 100 * MiB, 700 * MiB, 1 * GiB, 4 * GiB + 7, 10 * GiB, 31 * GiB, 32 * GiB];
    for (let exp = 10; exp <= 35; exp++) sizes.push(2 ** exp - 1, 2 ** exp, 2 ** exp + 1);
    for (const size of sizes) {
      const pieceSize = pieceSizeFor(size);
      expect(Number.isInteger(Math.log2(pieceSize)), `power of two for ${size}`).toBe(true);
      expect(pieceSize).toBeGreaterThanOrEqual(MIN_PIECE_SIZE);
      expect(pieceSize).toBeLessThanOrEqual(MAX_PIECE_SIZE);
      if (size <= 2000 * MAX_PIECE_SIZE) expect(pieceCountFor(size, pieceSize), `pieces for ${size}`).toBeLessThanOrEqual(2000);
      else if (size <= 32 * GiB) expect(pieceCountFor(size, pieceSize), `pieces for ${size}`).toBeLessThanOrEqual(2048);
      // Smallest that fits: half the size would need more than 2,000 pieces.
      if (pieceSize > MIN_PIECE_SIZE) expect(pieceCountFor(size, pieceSize / 2)).toBeGreaterThan(2000);
    }
  });

  it('never grows past 16 MiB, so huge files just get more pieces', () => {
    expect(MAX_PIECE_SIZE).toBe(16 * MiB);
    expect(pieceSizeFor(32 * GiB)).toBe(16 * MiB);
    expect(pieceSizeFor(64 * GiB)).toBe(16 * MiB);
    expect(pieceSizeFor(1024 * GiB)).toBe(16 * MiB);
    expect(pieceCountFor(64 * GiB, 16 * MiB)).toBe(4096);
  });

  it('is monotonic in the file size', () => {
    let previous = 0;
    for (let size = 0; size <= 40 * GiB; size += 97 * MiB) {
      const pieceSize = pieceSizeFor(size);
      expect(pieceSize).toBeGreaterThanOrEqual(previous);
      previous = pieceSize;
    }
  });
});

describe('pieceCountFor', () => {
  it('rounds up, with zero pieces for an empty file', () => {
    expect(pieceCountFor(0, 256 * KiB)).toBe(0);
    expect(pieceCountFor(1, 256 * KiB)).toBe(1);
    expect(pieceCountFor(256 * KiB, 256 * KiB)).toBe(1);
    expect(pieceCountFor(256 * KiB + 1, 256 * KiB)).toBe(2);
  });
});

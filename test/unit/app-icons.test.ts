// The packaged icons (rendered from assets/icon.svg by scripts/make-icons.mjs, and committed) are
// what the installers need: read from their headers, not trusted by name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const assets = join(import.meta.dirname, '../../assets');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (the first chunk, right after the signature). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('app icons', () => {
  it('icon.png is 1024x1024', () => {
    expect(pngSize(readFileSync(join(assets, 'icon.png')))).toEqual({ width: 1024, height: 1024 });
  });

  it("Linux's icon folder holds NxN.png files of the size their names say", () => {
    const files = readdirSync(join(assets, 'icons'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const [, w, h] = /^(\d+)x(\d+)\.png$/.exec(file) ?? [];
      expect(w, file).toBeDefined();
      expect(pngSize(readFileSync(join(assets, 'icons', file))), file).toEqual({ width: Number(w), height: Number(h) });
    }
  });

  it('icon.icns has the icns magic, its declared length, and a 1024 px image', () => {
    const icns = readFileSync(join(assets, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    // Walk the elements (4-byte type, 4-byte length including the header); they must tile the file.
    const types: string[] = [];
    let offset = 8;
    while (offset < icns.length) {
      const length = icns.readUInt32BE(offset + 4);
      expect(length).toBeGreaterThan(8);
      types.push(icns.toString('latin1', offset, offset + 4));
      offset += length;
    }
    expect(offset).toBe(icns.length);
    expect(types).toEqual(expect.arrayContaining(['ic10', 'ic09', 'ic08', 'ic07'])); // 1024 (512@2x), 512, 256, 128
  });

  it('icon.ico is an icon directory with several sizes, 256 among them', () => {
    const ico = readFileSync(join(assets, 'icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0); // reserved
    expect(ico.readUInt16LE(2)).toBe(1); // type 1: icon (2 would be a cursor)
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const entry = 6 + 16 * i;
      const width = ico.readUInt8(entry) || 256; // 0 means 256
      const height = ico.readUInt8(entry + 1) || 256;
      expect(height).toBe(width);
      const bytes = ico.readUInt32LE(entry + 8);
      const at = ico.readUInt32LE(entry + 12);
      expect(at + bytes).toBeLessThanOrEqual(ico.length);
      sizes.push(width);
    }
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    expect(count).toBeGreaterThanOrEqual(4);
  });
});

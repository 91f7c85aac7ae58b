import { randomBytes } from 'node:crypto';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileChangedWhileHashingError, hashFile, MAGIC_BYTES, READ_BUFFER_SIZE } from '../../src-main/core/hashing/file-hasher.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { referenceTree } from '../support/reference-tree.js';
import { sha256, sha256Bytes } from '../support/sha256.js';

const KiB = 1024;
const MiB = 1024 * KiB;


/** Checks the id and every piece node against the reference tree over the content. */
function expectTreeOf(content: Buffer, result: { id: string; pieceSize: number; pieceHashes: Buffer }): void {
  const reference = referenceTree(content, result.pieceSize);
  expect(result.id).toBe(reference.root);
  expect(result.pieceHashes.length).toBe(reference.layer.length * 32);
  reference.layer.forEach((node, i) => expect(result.pieceHashes.toString('hex', i * 32, (i + 1) * 32), `piece ${i}`).toBe(node));
}

describe('hashFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-hasher-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fileWith(name: string, content: Uint8Array | string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('hashes "abc" (one short block: the root is its leaf) to the known SHA-256 vector, as one piece', async () => {
    const result = await hashFile(await fileWith('abc.txt', 'abc'));
    expect(result.id).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(result.size).toBe(3);
    expect(result.pieceSize).toBe(256 * KiB);
    expect(result.pieceHashes.toString('hex')).toBe(result.id);
    expect(result.magic.toString()).toBe('abc');
    expect(result.ino).toBeGreaterThan(0);
    expect(result.mtimeMs).toBeGreaterThan(0);
  });

  it('hashes an empty file to the SHA-256 of nothing (Shoal\'s definition), with zero pieces', async () => {
    const result = await hashFile(await fileWith('empty', ''));
    expect(result.id).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(result.size).toBe(0);
    expect(result.pieceSize).toBe(pieceSizeFor(0));
    expect(result.pieceHashes.length).toBe(0);
    expect(result.magic.length).toBe(0);
  });

  it('gives a file of exactly one piece one piece hash, equal to its id (the root of its 16 leaves)', async () => {
    const content = randomBytes(256 * KiB);
    const result = await hashFile(await fileWith('one-piece.bin', content));
    expectTreeOf(content, result);
    expect(result.id).not.toBe(sha256(content));
    expect(result.pieceHashes.length).toBe(32);
    expect(result.pieceHashes.toString('hex')).toBe(result.id);
  });

  it('splits one piece plus one byte into two verified pieces', async () => {
    const content = randomBytes(256 * KiB + 1);
    const result = await hashFile(await fileWith('two-pieces.bin', content));
    expect(result.pieceSize).toBe(256 * KiB);
    expectTreeOf(content, result);
  });

  it('hashes a larger multi-piece file slice by slice', async () => {
    const content = randomBytes(5 * MiB + 12345);
    const path = await fileWith('large.bin', content);
    const result = await hashFile(path);
    expect(result.size).toBe(content.length);
    expectTreeOf(content, result);
  });

  it('gives the same hashes whatever the read buffer size, even one that straddles pieces', async () => {
    const content = randomBytes(3 * 256 * KiB + 777);
    const path = await fileWith('odd.bin', content);
    const reference = await hashFile(path);
    for (const bufferSize of [1000, 100 * KiB, 300 * KiB, 4 * MiB]) {
      const result = await hashFile(path, { bufferSize });
      expect(result.id).toBe(reference.id);
      expect(result.pieceHashes.equals(reference.pieceHashes)).toBe(true);
    }
    expectTreeOf(content, reference);
  });

  it('uses a larger piece size for a large file (sparse, so nothing big is written)', async () => {
    const path = join(dir, 'sparse.bin');
    const size = 2000 * 256 * KiB + 1; // one byte past what 256 KiB pieces may cover
    const handle = await open(path, 'w');
    await handle.truncate(size);
    await handle.close();
    const result = await hashFile(path);
    expect(result.pieceSize).toBe(pieceSizeFor(size));
    expect(result.pieceSize).toBe(512 * KiB);
    expect(result.pieceHashes.length).toBe(1001 * 32);
    // Every full piece is 32 zero blocks; the last is one zero byte, padded with 31 zero leaves.
    const zeroPiece = referenceTree(Buffer.alloc(result.pieceSize), result.pieceSize).root;
    expect(result.pieceHashes.subarray(0, 32).toString('hex')).toBe(zeroPiece);
    const oneByte = sha256Bytes(Buffer.alloc(1));
    let node: Buffer = oneByte;
    let pad = Buffer.alloc(32);
    for (let leaves = 1; leaves < result.pieceSize / (16 * KiB); leaves *= 2) {
      node = sha256Bytes(Buffer.concat([node, pad]));
      pad = sha256Bytes(Buffer.concat([pad, pad]));
    }
    expect(result.pieceHashes.subarray(-32).toString('hex')).toBe(node.toString('hex'));
  }, 60_000);

  it('reports progress at most every few MiB, ending with the size', async () => {
    const content = randomBytes(20 * MiB + 5);
    const seen: number[] = [];
    await hashFile(await fileWith('progress.bin', content), { onProgress: (n) => seen.push(n) });
    expect(seen.at(-1)).toBe(content.length);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(content.length / MiB);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
  });

  it('throws FileChangedWhileHashingError when the file grows mid-hash', async () => {
    const path = await fileWith('changing.bin', randomBytes(20 * MiB));
    let appended = false;
    const hashing = hashFile(path, {
      onProgress: () => {
        if (appended) return;
        appended = true;
        appendFileSync(path, 'more');
      },
    });
    await expect(hashing).rejects.toBeInstanceOf(FileChangedWhileHashingError);
    expect(appended).toBe(true);
  });

  it('throws FileChangedWhileHashingError when the file is replaced mid-hash', async () => {
    const path = await fileWith('replaced.bin', randomBytes(20 * MiB));
    let replaced = false;
    const hashing = hashFile(path, {
      onProgress: () => {
        if (replaced) return;
        replaced = true;
        writeFileSync(`${path}.tmp`, randomBytes(20 * MiB));
        renameSync(`${path}.tmp`, path);
      },
    });
    await expect(hashing).rejects.toBeInstanceOf(FileChangedWhileHashingError);
  });

  it('rejects a missing file with ENOENT and a folder with NOT_A_FILE', async () => {
    await expect(hashFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(hashFile(dir)).rejects.toMatchObject({ code: 'NOT_A_FILE' });
  });

  it('never follows a symbolic link, even to a regular file', async () => {
    const target = await fileWith('target.txt', 'behind a link');
    const link = join(dir, 'link.txt');
    await symlink(target, link);
    await expect(hashFile(link)).rejects.toMatchObject({ code: 'NOT_A_FILE' });
  });

  it('stops when its signal is aborted', async () => {
    const path = await fileWith('abort.bin', randomBytes(20 * MiB));
    const controller = new AbortController();
    const hashing = hashFile(path, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('keeps the first MAGIC_BYTES bytes of a file for its format, whatever the read size', async () => {
    const content = randomBytes(MAGIC_BYTES + 1000);
    for (const bufferSize of [100, 4096, READ_BUFFER_SIZE]) {
      const result = await hashFile(await fileWith('magic.bin', content), { bufferSize });
      expect(result.magic.equals(content.subarray(0, MAGIC_BYTES)), `buffer ${bufferSize}`).toBe(true);
    }
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../src-main/core/hashing/file-hasher.js';
import { autoTags, classifyFile } from '../../src-main/core/library/file-classifier.js';
import { sniffMime } from '../../src-main/core/library/mime-sniffer.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2' + '2c5ac60000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

/** A minimal stored (uncompressed) zip archive, enough for magic-byte detection. */
function zipOf(entries: Array<[name: string, content: string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('classifyFile by extension', () => {
  it.each([
    ['movie.mkv', 'video/x-matroska', 'video'],
    ['clip.MP4', 'video/mp4', 'video'],
    ['song.mp3', 'audio/mpeg', 'audio'],
    ['song.flac', 'audio/x-flac', 'audio'],
    ['photo.JPG', 'image/jpeg', 'image'],
    ['logo.svg', 'image/svg+xml', 'image'],
    ['paper.pdf', 'application/pdf', 'document'],
    ['report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['sheet.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document'],
    ['notes.odt', 'application/vnd.oasis.opendocument.text', 'document'],
    ['book.epub', 'application/epub+zip', 'document'],
    ['letter.rtf', 'application/rtf', 'document'],
    ['readme.txt', 'text/plain', 'document'],
    ['README.md', 'text/markdown', 'document'],
    ['data.csv', 'text/csv', 'document'],
    ['bundle.zip', 'application/zip', 'archive'],
    ['backup.tar', 'application/x-tar', 'archive'],
    ['backup.tar.gz', 'application/gzip', 'archive'],
    ['backup.tgz', 'application/gzip', 'archive'],
    ['logs.bz2', 'application/x-bzip2', 'archive'],
    ['logs.xz', 'application/x-xz', 'archive'],
    ['stuff.7z', 'application/x-7z-compressed', 'archive'],
    ['stuff.rar', 'application/vnd.rar', 'archive'],
    ['stuff.zst', 'application/zstd', 'archive'],
    ['debian.iso', 'application/x-iso9660-image', 'archive'],
    ['setup.exe', 'application/x-msdos-program', 'software'],
    ['setup.msi', 'application/x-msdownload', 'software'],
    ['app.dmg', 'application/x-apple-diskimage', 'software'],
    ['tool.deb', 'application/x-debian-package', 'software'],
    ['tool.rpm', 'application/x-redhat-package-manager', 'software'],
    ['app.apk', 'application/vnd.android.package-archive', 'software'],
    ['App.AppImage', 'application/vnd.appimage', 'software'],
    ['installer.pkg', 'application/vnd.apple.installer+xml', 'software'],
    ['lib.jar', 'application/java-archive', 'software'],
    ['main.ts', 'text/typescript', 'code'],
    ['view.tsx', 'text/tsx', 'code'],
    ['index.js', 'text/javascript', 'code'],
    ['script.py', 'text/x-python', 'code'],
    ['main.go', 'text/x-go', 'code'],
    ['lib.rs', 'text/x-rust', 'code'],
    ['main.c', 'text/x-c', 'code'],
    ['main.h', 'text/x-c', 'code'],
    ['Main.java', 'text/x-java-source', 'code'],
    ['App.kt', 'text/x-kotlin', 'code'],
    ['app.rb', 'text/x-ruby', 'code'],
    ['index.php', 'application/x-httpd-php', 'code'],
    ['build.sh', 'application/x-sh', 'code'],
    ['package.json', 'application/json', 'code'],
    ['config.yaml', 'text/yaml', 'code'],
    ['Cargo.toml', 'application/toml', 'code'],
    ['index.html', 'text/html', 'code'],
    ['style.css', 'text/css', 'code'],
    ['schema.sql', 'application/sql', 'code'],
    ['App.swift', 'text/x-swift', 'code'],
    ['font.woff2', 'font/woff2', 'other'],
    ['no-extension', 'application/octet-stream', 'other'],
    ['.bashrc', 'application/octet-stream', 'other'],
    ['weird.zzzunknown', 'application/octet-stream', 'other'],
    ['x.constructor', 'application/octet-stream', 'other'],
  ] as const)('%s → %s (%s)', (name, mime, category) => {
    expect(classifyFile(name, null)).toEqual({ mime, category });
  });
});

describe('classifyFile with magic bytes', () => {
  it('lets the detected type override a wrong extension', () => {
    expect(classifyFile('picture.txt', 'image/png')).toEqual({ mime: 'image/png', category: 'image' });
    expect(classifyFile('notes.docx', 'application/pdf')).toEqual({ mime: 'application/pdf', category: 'document' });
    expect(classifyFile('file.bin', 'application/x-elf')).toEqual({ mime: 'application/x-elf', category: 'software' });
    expect(classifyFile('recording.ts', 'video/mp2t')).toEqual({ mime: 'video/mp2t', category: 'video' });
    expect(classifyFile('archive.txt', 'application/zip')).toEqual({ mime: 'application/zip', category: 'archive' });
  });

  it('keeps the extension when magic only sees the generic container', () => {
    expect(classifyFile('report.docx', 'application/zip')).toEqual({
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      category: 'document',
    });
    expect(classifyFile('book.epub', 'application/zip')).toMatchObject({ mime: 'application/epub+zip', category: 'document' });
    expect(classifyFile('app.apk', 'application/zip')).toMatchObject({ category: 'software' });
    expect(classifyFile('lib.jar', 'application/zip')).toMatchObject({ mime: 'application/java-archive', category: 'software' });
    expect(classifyFile('old.doc', 'application/x-cfb')).toEqual({ mime: 'application/msword', category: 'document' });
    expect(classifyFile('setup.msi', 'application/x-cfb')).toMatchObject({ category: 'software' });
    expect(classifyFile('logo.svg', 'application/xml')).toEqual({ mime: 'image/svg+xml', category: 'image' });
  });

  it('classifies detected types without a useful extension', () => {
    expect(classifyFile('download', 'video/matroska')).toEqual({ mime: 'video/matroska', category: 'video' });
    expect(classifyFile('voice', 'audio/ogg; codecs=opus')).toEqual({ mime: 'audio/ogg; codecs=opus', category: 'audio' });
    expect(classifyFile('payload', 'application/x-7z-compressed')).toMatchObject({ category: 'archive' });
    expect(classifyFile('thing', 'application/x-sqlite3')).toEqual({ mime: 'application/x-sqlite3', category: 'other' });
  });
});

describe('classification of real files through the hasher', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-classify-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function classifyReal(name: string, content: Buffer | string) {
    const path = join(dir, name);
    await writeFile(path, content);
    const detectedMime = await sniffMime((await hashFile(path)).magic);
    return { detectedMime, ...classifyFile(name, detectedMime) };
  }

  it.each([
    ['PNG bytes named .txt', 'looks-like-text.txt', PNG, 'image/png', 'image/png', 'image'],
    ['a PDF with the right name', 'paper.pdf', PDF, 'application/pdf', 'application/pdf', 'document'],
    ['a PDF with no extension', 'paper', PDF, 'application/pdf', 'application/pdf', 'document'],
    ['an ELF binary without extension', 'tool', ELF, 'application/x-elf', 'application/x-elf', 'software'],
    ['gzip named .tgz', 'backup.tgz', gzipSync('hello'), 'application/gzip', 'application/gzip', 'archive'],
    ['a zip named .txt', 'sneaky.txt', zipOf([['a.txt', 'hello']]), 'application/zip', 'application/zip', 'archive'],
    ['a zip named .docx', 'report.docx', zipOf([['a.txt', 'hello']]), 'application/zip',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['a zip named .jar', 'lib.jar', zipOf([['a.txt', 'hello']]), 'application/zip', 'application/java-archive', 'software'],
    ['an epub (mimetype entry first)', 'book.bin', zipOf([['mimetype', 'application/epub+zip'], ['a.xhtml', '<p/>']]),
      'application/epub+zip', 'application/epub+zip', 'document'],
    ['plain TypeScript', 'main.ts', 'export const answer: number = 42;\n', null, 'text/typescript', 'code'],
    ['plain text', 'notes.txt', 'just some words\n', null, 'text/plain', 'document'],
  ] as const)('%s', async (_label, name, content, detectedMime, mime, category) => {
    expect(await classifyReal(name, content)).toEqual({ detectedMime, mime, category });
  });
});

describe('autoTags', () => {
  it('gives the lowercased extension and the category', () => {
    expect(autoTags('Holiday.MKV', 'video')).toEqual(['mkv', 'video']);
    expect(autoTags('backup.tar.gz', 'archive')).toEqual(['gz', 'archive']);
  });

  it('gives only the category when there is no extension', () => {
    expect(autoTags('Makefile', 'other')).toEqual(['other']);
    expect(autoTags('.bashrc', 'other')).toEqual(['other']);
    expect(autoTags('trailing.', 'other')).toEqual(['other']);
  });

  it('does not repeat a tag', () => {
    expect(autoTags('weird.code', 'code')).toEqual(['code']);
  });

  it('skips an extension that is not a valid tag', () => {
    expect(autoTags('backup.~1~', 'other')).toEqual(['other']);
  });
});

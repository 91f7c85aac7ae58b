// POST /api/v1/files/upload: files dropped on the web UI land in the shared folder. Each part is
// streamed (busboy) to a hidden temporary file beside its destination, then linked to its final
// name, which never overwrites ("name (1).ext"; the user's own unshared file comes back under its
// name, upload-placement.ts). All or nothing: if any part fails (too large,
// cut short, bad name), every temporary file and every folder the upload made is removed, and
// nothing new appears.
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rm, rmdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { UploadResponse } from '../../../src-shared/api/peer-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { safeFileName } from '../files/safe-file-name.js';
import { placeUpload, type UnsharedPaths } from './upload-placement.js';

export interface UploadOptions {
  sharedDirectory: string;
  /** Bytes per file, 0 = no limit (peer.max_file_size). */
  maxFileSize: number;
}

const MAX_FILES = 1000;
const MAX_DEPTH = 16;

interface Received {
  temp: string;
  folder: string;
  name: string;
  size: number;
}

export async function receiveUpload(req: Request, o: UploadOptions, unshared?: UnsharedPaths): Promise<UploadResponse> {
  if (!req.is('multipart/form-data')) throw new ShoalError('UNSUPPORTED_MEDIA_TYPE', 'Upload files as multipart/form-data.');
  const received: Received[] = [];
  const madeFolders: string[] = [];
  let landed = false;
  try {
    await parseParts(req, o, received, madeFolders);
    if (received.length === 0) throw new ShoalError('BAD_REQUEST', 'The upload holds no file.');
    const files: UploadResponse['files'] = [];
    for (const part of received) {
      const path = await placeUpload(part.temp, part.folder, part.name, unshared);
      files.push({ name: relative(part.folder, path), path, size: part.size });
    }
    landed = true;
    return { files };
  } finally {
    await Promise.all(received.map((part) => rm(part.temp, { force: true })));
    // Deepest first; rmdir leaves a folder that something else has filled meanwhile.
    if (!landed) for (const folder of madeFolders.sort((a, b) => b.length - a.length)) await rmdir(folder).catch(() => undefined);
  }
}

function parseParts(req: Request, o: UploadOptions, received: Received[], madeFolders: string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        // Browsers write a part's file name as raw UTF-8 bytes; busboy's default reads them as Latin-1.
        defParamCharset: 'utf8',
        limits: { files: MAX_FILES, fields: 100, fileSize: o.maxFileSize > 0 ? o.maxFileSize : Infinity },
      });
    } catch {
      reject(new ShoalError('BAD_REQUEST', 'The multipart body cannot be read (no boundary).'));
      return;
    }
    const writes: Promise<void>[] = [];
    const open = new Set<Readable>();
    let failed: unknown;
    // Settles once every started write has ended, so no temporary file is left half-open.
    const settle = () => void Promise.allSettled(writes).then(() => (failed ? reject(failed) : resolve()));
    const fail = (err: unknown) => {
      if (failed) return;
      failed = err;
      req.unpipe(parser);
      req.resume(); // drain what is left so the answer can be sent
      // A part still being written would wait forever for bytes that will not come: end it.
      for (const stream of open) stream.destroy();
      settle();
    };
    parser.on('file', (_field, stream, info) => {
      // A body cut short destroys the part with busboy's error, maybe before the pipeline below
      // listens (or with none, once failed): unheard, that error would be an uncaught exception.
      // The parser reports the same error, and the pipeline its own.
      stream.on('error', () => undefined);
      if (failed) {
        stream.resume();
        return;
      }
      open.add(stream);
      stream.once('close', () => open.delete(stream));
      // Listened to at once: busboy reports the limit while parsing, before the file is opened.
      let tooLarge = false;
      stream.on('limit', () => (tooLarge = true));
      const write = (async () => {
        const { folder, name } = await destination(o.sharedDirectory, info.filename ?? '', madeFolders);
        // The body may have broken while the folders were made: a destroyed part never ends a
        // pipeline (the answer would hang for ever), so write nothing for it.
        if (failed || stream.destroyed) throw failed ?? new ShoalError('BAD_REQUEST', 'The upload was cut short.');
        const part: Received = { temp: join(folder, `.shoal-upload-${randomUUID()}.part`), folder, name, size: 0 };
        received.push(part);
        stream.on('data', (chunk: Buffer) => (part.size += chunk.length));
        await pipeline(stream, createWriteStream(part.temp, { flags: 'wx', mode: 0o644 }));
        if (tooLarge) throw new ShoalError('FILE_TOO_LARGE', `${info.filename ?? 'The file'} is larger than this node's max_file_size (${o.maxFileSize} bytes).`);
      })().catch((err: unknown) => {
        stream.resume();
        fail(err);
      });
      writes.push(write);
    });
    parser.on('filesLimit', () => fail(new ShoalError('BAD_REQUEST', `At most ${MAX_FILES} files per upload.`)));
    parser.on('error', (err: unknown) => fail(new ShoalError('BAD_REQUEST', `The multipart body is broken: ${(err as Error).message}`)));
    parser.on('close', () => {
      if (!failed) settle();
    });
    req.on('close', () => {
      if (!req.complete) fail(new ShoalError('BAD_REQUEST', 'The upload was cut short.'));
    });
    req.on('error', (err) => fail(err));
    req.pipe(parser);
  });
}

/**
 * A part's name may carry folders ("holiday/day 1/a.jpg" from a dropped folder): each is made safe.
 * The folders it creates (not those that were there) go into `made`, to be removed if the upload fails.
 */
async function destination(root: string, filename: string, made: string[]): Promise<{ folder: string; name: string }> {
  const parts = filename.split(/[/\\]/).filter((p) => p !== '' && p !== '.');
  const name = safeFileName(parts.pop() ?? '', '');
  if (name === '') throw new ShoalError('BAD_REQUEST', `"${filename}" is not a usable file name.`);
  const folders = parts.slice(-MAX_DEPTH).map((p) => safeFileName(p, '_'));
  let folder = root;
  for (const part of folders) {
    folder = join(folder, part);
    const created = await mkdir(folder).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        return false;
      },
    );
    if (created) made.push(folder);
    // Never follow a link out of the shared folder.
    if (!(await lstat(folder)).isDirectory()) throw new ShoalError('BAD_REQUEST', `${relative(root, folder)} exists and is not a folder.`);
  }
  return { folder, name };
}

// Worker-thread entry: the two SHA-256 digests a download takes of every byte, so neither runs on
// the event loop. A piece's memory is moved here to be checked and moved back (no copy); the
// whole-file digest reads each partial file as its verified prefix grows (from the page cache: it
// was just written). Speaks only the messages below; download-hasher.ts is the other end.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

export type DownloadHashRequest =
  /** Is the SHA-256 of data[0, length) `sha256`? `data` is transferred, and sent back with the answer. */
  | { type: 'check'; id: number; data: ArrayBuffer; length: number; sha256: Uint8Array }
  | { type: 'open'; id: number; path: string }
  /** The first `bytes` of the file are verified and written. */
  | { type: 'advance'; id: number; bytes: number }
  | { type: 'digest'; id: number }
  | { type: 'close'; id: number };

export type DownloadHashReply =
  | { type: 'checked'; id: number; matches: boolean; data: ArrayBuffer }
  | { type: 'digest'; id: number; hex: string }
  | { type: 'error'; id: number; message: string; code?: string };

interface OpenDigest {
  fd: number;
  hash: Hash;
  /** Bytes hashed so far: the file's prefix [0, cursor). */
  cursor: number;
}

const port = parentPort;
if (!port) throw new Error('download-hash-worker.ts must run in a worker thread');

// Reads are synchronous: this thread has nothing else to do, and async reads would only add hops.
const READ_BYTES = 2 * 1024 * 1024;
const buffer = Buffer.allocUnsafeSlow(READ_BYTES);
const digests = new Map<number, OpenDigest>();
/** Digests whose reading failed, with why: asked for, they answer with the error. */
const failed = new Map<number, { message: string; code?: string }>();

port.on('message', (request: DownloadHashRequest) => {
  try {
    handle(request);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = { message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) };
    if (request.type === 'check') port?.postMessage({ type: 'error', id: request.id, ...why } satisfies DownloadHashReply);
    else {
      failed.set(request.id, why);
      forget(request.id);
    }
  }
});

function handle(request: DownloadHashRequest): void {
  const { id } = request;
  switch (request.type) {
    case 'check': {
      const digest = createHash('sha256').update(new Uint8Array(request.data, 0, request.length)).digest();
      const reply: DownloadHashReply = { type: 'checked', id, matches: digest.equals(request.sha256), data: request.data };
      port?.postMessage(reply, [request.data]);
      return;
    }
    case 'open':
      digests.set(id, { fd: openSync(request.path, 'r'), hash: createHash('sha256'), cursor: 0 });
      return;
    case 'advance': {
      const d = digests.get(id);
      if (d) readUpTo(d, request.bytes);
      return;
    }
    case 'digest': {
      const failure = failed.get(id);
      const d = digests.get(id);
      if (failure || !d) port?.postMessage({ type: 'error', id, ...(failure ?? { message: 'no such digest' }) } satisfies DownloadHashReply);
      else port?.postMessage({ type: 'digest', id, hex: d.hash.digest('hex') } satisfies DownloadHashReply);
      forget(id);
      failed.delete(id);
      return;
    }
    case 'close':
      forget(id);
      failed.delete(id);
  }
}

function readUpTo(d: OpenDigest, end: number): void {
  while (d.cursor < end) {
    const read = readSync(d.fd, buffer, 0, Math.min(READ_BYTES, end - d.cursor), d.cursor);
    if (read === 0) throw new Error('the partial file is shorter than its verified pieces');
    d.hash.update(buffer.subarray(0, read));
    d.cursor += read;
  }
}

function forget(id: number): void {
  const d = digests.get(id);
  if (!d) return;
  digests.delete(id);
  closeSync(d.fd);
}

// Worker-thread entry: the hashing a node does besides indexing, so none of it runs on the event
// loop. A download's piece is moved here to be checked against its node of the hash tree and moved
// back (no copy). A library file's whole-content SHA-256 (for Metalink clients and `sha256sum`
// users, computed in the background while the node is idle) is read here step by step, so a
// piece check never waits behind more than one step. Speaks only the messages below;
// hash-thread.ts is the other end.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { pieceRoot } from './merkle-tree.js';

export type HashThreadRequest =
  /** Is the tree root of data[0, length), its leaves padded to `leaves`, `expected`? `data` is transferred, and sent back with the answer. */
  | { type: 'check'; id: number; data: ArrayBuffer; length: number; leaves: number; expected: Uint8Array }
  | { type: 'open'; id: number; digest: number; path: string }
  /** Hash the file's bytes up to `bytes`. */
  | { type: 'advance'; id: number; digest: number; bytes: number }
  | { type: 'digest'; id: number; digest: number }
  | { type: 'close'; digest: number };

export type HashThreadReply =
  | { type: 'checked'; id: number; matches: boolean; data: ArrayBuffer }
  | { type: 'done'; id: number }
  | { type: 'digest'; id: number; hex: string }
  | { type: 'error'; id: number; message: string; code?: string };

interface OpenDigest {
  fd: number;
  hash: Hash;
  /** Bytes hashed so far: the file's prefix [0, cursor). */
  cursor: number;
}

const port = parentPort;
if (!port) throw new Error('hash-thread-worker.ts must run in a worker thread');

// Reads are synchronous: this thread has nothing else to do, and async reads would only add hops.
const READ_BYTES = 2 * 1024 * 1024;
const buffer = Buffer.allocUnsafeSlow(READ_BYTES);
const digests = new Map<number, OpenDigest>();

port.on('message', (request: HashThreadRequest) => {
  try {
    handle(request);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (request.type === 'close') return;
    forget(request.type === 'check' ? -1 : request.digest);
    port?.postMessage({ type: 'error', id: request.id, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } satisfies HashThreadReply);
  }
});

function handle(request: HashThreadRequest): void {
  switch (request.type) {
    case 'check': {
      const root = pieceRoot(new Uint8Array(request.data, 0, request.length), request.leaves);
      const reply: HashThreadReply = { type: 'checked', id: request.id, matches: root.equals(request.expected), data: request.data };
      port?.postMessage(reply, [request.data]);
      return;
    }
    case 'open':
      digests.set(request.digest, { fd: openSync(request.path, 'r'), hash: createHash('sha256'), cursor: 0 });
      port?.postMessage({ type: 'done', id: request.id } satisfies HashThreadReply);
      return;
    case 'advance': {
      readUpTo(open(request.digest), request.bytes);
      port?.postMessage({ type: 'done', id: request.id } satisfies HashThreadReply);
      return;
    }
    case 'digest': {
      const hex = open(request.digest).hash.digest('hex');
      forget(request.digest);
      port?.postMessage({ type: 'digest', id: request.id, hex } satisfies HashThreadReply);
      return;
    }
    case 'close':
      forget(request.digest);
  }
}

function open(id: number): OpenDigest {
  const d = digests.get(id);
  if (!d) throw new Error('no such digest');
  return d;
}

function readUpTo(d: OpenDigest, end: number): void {
  while (d.cursor < end) {
    const read = readSync(d.fd, buffer, 0, Math.min(READ_BYTES, end - d.cursor), d.cursor);
    if (read === 0) throw Object.assign(new Error('the file is shorter than expected'), { code: 'SHORT_FILE' });
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

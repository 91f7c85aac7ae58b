// Worker-thread entry: hashes the files the pool sends, one job at a time, so hashing never runs
// on the main event loop. Speaks only the messages below; hash-pool.ts is the other end.
import { parentPort } from 'node:worker_threads';
import { FileChangedWhileHashingError, hashFile } from './file-hasher.js';
import type { HashResult } from './file-hasher.js';

export interface HashJobMessage {
  jobId: number;
  path: string;
}

/** Structured clone turns the Buffer into a plain Uint8Array; the pool wraps it again. */
export type TransferredHashResult = Omit<HashResult, 'pieceHashes'> & { pieceHashes: Uint8Array };

export type HashWorkerMessage =
  | { jobId: number; type: 'progress'; hashedBytes: number }
  | { jobId: number; type: 'done'; result: TransferredHashResult }
  | { jobId: number; type: 'error'; message: string; changed: boolean; code?: string };

const port = parentPort;
if (!port) throw new Error('hash-worker.ts must run in a worker thread');

// Messages are chained so a second job (which the pool never sends) would wait, not interleave.
let queue: Promise<void> = Promise.resolve();
port.on('message', (job: HashJobMessage) => {
  queue = queue.then(() => runJob(job));
});

async function runJob({ jobId, path }: HashJobMessage): Promise<void> {
  const post = (message: HashWorkerMessage, transfer?: ArrayBuffer[]) => port?.postMessage(message, transfer);
  try {
    const result = await hashFile(path, {
      onProgress: (hashedBytes) => post({ jobId, type: 'progress', hashedBytes }),
    });
    // pieceHashes owns its ArrayBuffer (Buffer.alloc), so it can move instead of being copied.
    const pieces = result.pieceHashes;
    const transferable = pieces.byteOffset === 0 && pieces.byteLength === pieces.buffer.byteLength;
    post({ jobId, type: 'done', result }, transferable ? [pieces.buffer as ArrayBuffer] : undefined);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    post({
      jobId,
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      changed: err instanceof FileChangedWhileHashingError,
      ...(typeof code === 'string' ? { code } : {}),
    });
  }
}

// Worker-thread entry: hashes the files the pool sends, so hashing never runs on the main event
// loop. Each message is a batch of files (see hash-batch.ts), answered by one message with every
// outcome, so small files cost one round trip per batch instead of one each. Speaks only the
// messages below; hash-pool.ts is the other end.
import { parentPort } from 'node:worker_threads';
import { FileChangedWhileHashingError, hashFile, hashFilePart, PROGRESS_EVERY } from './file-hasher.js';
import type { FilePart, HashResult, PartResult } from './file-hasher.js';

export interface HashJob {
  jobId: number;
  path: string;
  /** Only this part of the file (file-parts.ts); the whole file when absent. */
  part?: FilePart;
}

export interface HashJobMessage {
  jobs: HashJob[];
}

/** Structured clone turns the Buffers into plain Uint8Arrays; the pool wraps them again. */
export type TransferredHashResult = Omit<HashResult, 'pieceHashes' | 'magic'> & { pieceHashes: Uint8Array; magic: Uint8Array };
export type TransferredPartResult = Omit<PartResult, 'nodes' | 'magic'> & { nodes: Uint8Array; magic: Uint8Array };

export type HashOutcome =
  | { jobId: number; type: 'done'; result: TransferredHashResult }
  | { jobId: number; type: 'part'; result: TransferredPartResult }
  | { jobId: number; type: 'error'; message: string; changed: boolean; code?: string };

export type HashWorkerMessage =
  | { type: 'progress'; jobId: number; hashedBytes: number }
  | { type: 'outcomes'; outcomes: HashOutcome[] };

const port = parentPort;
if (!port) throw new Error('hash-worker.ts must run in a worker thread');

// Batches are chained: the pool sends the next one while this one is hashed, and it must wait.
let queue: Promise<void> = Promise.resolve();
port.on('message', ({ jobs }: HashJobMessage) => {
  queue = queue.then(() => runBatch(jobs));
});

async function runBatch(jobs: HashJob[]): Promise<void> {
  const outcomes: HashOutcome[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const job of jobs) {
    const outcome = await runJob(job);
    outcomes.push(outcome);
    // Buffers that own their memory (pieceHashes, nodes, magic) move instead of being copied. One
    // from Node's shared pool would be cloned with the whole pool: none is made here.
    const owned = outcome.type === 'done' ? [outcome.result.pieceHashes, outcome.result.magic] : outcome.type === 'part' ? [outcome.result.nodes, outcome.result.magic] : [];
    for (const bytes of owned) if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.byteLength > 0) transfer.push(bytes.buffer as ArrayBuffer);
  }
  port?.postMessage({ type: 'outcomes', outcomes } satisfies HashWorkerMessage, transfer);
}

async function runJob({ jobId, path, part }: HashJob): Promise<HashOutcome> {
  const options = {
    // Not the end of a file under PROGRESS_EVERY: its outcome follows at once. One such message
    // per small file was most of what the main thread received while indexing (1,259 of 1,435
    // messages for the bench's data set), each waking it for nothing (the pool keeps only the
    // progress of the file a worker is on, not of the rest of its batch).
    onProgress: (hashedBytes: number) => {
      if (hashedBytes >= PROGRESS_EVERY) port?.postMessage({ type: 'progress', jobId, hashedBytes } satisfies HashWorkerMessage);
    },
  };
  try {
    if (part) return { jobId, type: 'part', result: await hashFilePart(path, part, options) };
    return { jobId, type: 'done', result: await hashFile(path, options) };
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    return {
      jobId,
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      changed: err instanceof FileChangedWhileHashingError,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
}

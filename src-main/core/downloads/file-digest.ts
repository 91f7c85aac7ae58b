// The whole-file SHA-256 of a download, computed while it runs by a worker thread that reads the
// verified pieces back from the partial file (the page cache, usually) in file order. On the
// main thread this costs a message per piece instead of a second digest of every byte.
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../workers/worker-entry.js';
import type { FileDigestAnswer, FileDigestRequest, FileDigestSetup } from './file-digest-worker.js';

export class FileDigest {
  private readonly worker: Worker;
  private readonly answer: Promise<string>;

  /** `verified` pieces (already on disk, e.g. after a restart) are fed first. */
  constructor(setup: FileDigestSetup, verified: Iterable<number>) {
    const { filename, options } = workerEntry(import.meta.url, 'file-digest-worker');
    this.worker = new Worker(filename, { ...options, workerData: setup });
    this.answer = new Promise<string>((resolve, reject) => {
      this.worker.on('message', (m: FileDigestAnswer) => (m.type === 'digest' ? resolve(m.sha256) : reject(new Error(m.message))));
      this.worker.on('error', reject);
      this.worker.on('exit', () => reject(new Error('the whole-file hash stopped')));
    });
    this.answer.catch(() => undefined); // read by digest(); a download stopped early never asks
    for (const piece of verified) this.post({ type: 'verified', piece });
  }

  /** Call once the piece is verified and written. */
  pieceVerified(piece: number): void {
    this.post({ type: 'verified', piece });
  }

  /** Resolves once every piece was read back and hashed. */
  digest(): Promise<string> {
    this.post({ type: 'digest' });
    return this.answer;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private post(message: FileDigestRequest): void {
    this.worker.postMessage(message);
  }
}

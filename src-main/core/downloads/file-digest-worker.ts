// Worker-thread entry: the whole-file SHA-256 of a download, read back from its partial file in
// file order as pieces are verified, so the download's main thread only moves bytes. Speaks only
// the messages below; file-digest.ts is the other end.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface FileDigestSetup {
  path: string;
  size: number;
  pieceSize: number;
}

export type FileDigestRequest = { type: 'verified'; piece: number } | { type: 'digest' };
export type FileDigestAnswer = { type: 'digest'; sha256: string } | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('file-digest-worker.ts must run in a worker thread');
const { path, size, pieceSize } = workerData as FileDigestSetup;
const pieceCount = Math.ceil(size / pieceSize);
const verified = new Uint8Array(pieceCount);
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(Math.min(pieceSize, Math.max(1, size)));
const fd = openSync(path, 'r');
let cursor = 0;
let asked = false;
let failure: string | null = null;

port.on('message', (message: FileDigestRequest) => {
  if (message.type === 'verified') verified[message.piece] = 1;
  else asked = true;
  advance();
});

function advance(): void {
  try {
    while (failure === null && cursor < pieceCount && verified[cursor] === 1) {
      const length = Math.min(pieceSize, size - cursor * pieceSize);
      let read = 0;
      while (read < length) {
        const n = readSync(fd, buffer, read, length - read, cursor * pieceSize + read);
        if (n === 0) throw new Error('the partial file is shorter than expected');
        read += n;
      }
      hash.update(buffer.subarray(0, length));
      cursor++;
    }
  } catch (err) {
    failure = (err as Error).message;
  }
  if (!asked) return;
  if (failure !== null) port?.postMessage({ type: 'error', message: failure } satisfies FileDigestAnswer);
  else if (cursor === pieceCount) port?.postMessage({ type: 'digest', sha256: hash.digest('hex') } satisfies FileDigestAnswer);
  else return;
  closeSync(fd);
  port?.close();
}

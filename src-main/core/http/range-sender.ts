// Sends bytes [start, end] of an open file to an HTTP answer through two recycled 1 MiB buffers
// (from a pool every request shares): one is read into while the other is on its way to the
// socket. A new buffer per chunk made serving depend on how large V8's young generation had grown
// (`npm run bench -- serve` swung between 0.4x and 1.3x of nginx); recycling leaves nothing to
// collect. A buffer is reused only after the socket took all of it (the write callbacks), so at
// most 2 MiB is in flight.
// A client that stops reading would hold its upload slot for ever (every write waits on it): the
// sender gives up once it has waited `stallMs` on the socket for one buffer. Time spent waiting on
// the rate limiter does not count; a buffer is 1 MiB, so this also cuts a reader slower than
// about 1 MiB per `stallMs`.
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { RateLimiter } from '../transfers/rate-limiter.js';
import { CHUNK_BYTES, type ChunkPool } from './chunk-pool.js';

/** Under a rate limit bytes leave in slices this size, so the pace is even, not 1 MiB bursts. */
const SLICE_BYTES = 64 * 1024;

export class ClientGone extends Error {
  constructor() {
    super('the client went away');
    this.name = 'ClientGone';
  }
}

export class ClientStalled extends Error {
  constructor(stallMs: number) {
    super(`the client took no bytes for ${stallMs} ms`);
    this.name = 'ClientStalled';
  }
}

export async function sendRange(
  handle: FileHandle,
  start: number,
  end: number,
  res: ServerResponse,
  limiter: RateLimiter,
  chunks: ChunkPool,
  sent: (bytes: number) => void,
  stallMs: number,
): Promise<void> {
  let gone = false;
  let onGone = () => {};
  const closed = new Promise<never>((_resolve, reject) => {
    onGone = () => {
      gone = true;
      reject(new ClientGone());
    };
  });
  closed.catch(() => undefined);
  res.once('close', onGone);
  // A write whose callback says the socket has the bytes; it fails as soon as the client leaves.
  // Marked handled at once: it is awaited later, and a client leaving meanwhile must not become
  // an unhandled rejection (which would stop the node).
  const write = (bytes: Buffer) =>
    handled(Promise.race([closed, new Promise<void>((resolve, reject) => res.write(bytes, (err) => (err ? reject(err) : resolve())))]));
  const until = (ms: number) => Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, ms))]);

  const buffers = [chunks.take(), chunks.take()];
  const inFlight: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  try {
    let position = start;
    for (let k = 0; position <= end; k ^= 1) {
      await socketTook(inFlight[k] as Promise<unknown>, stallMs); // this buffer's last bytes left: it may be filled again
      if (gone) throw new ClientGone();
      const buffer = buffers[k] as Buffer;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, end - position + 1), position);
      if (bytesRead === 0) throw new Error('the file ended before its hashed size');
      position += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      if (limiter.rate <= 0) {
        sent(bytesRead);
        inFlight[k] = write(chunk);
        continue;
      }
      const slices: Promise<void>[] = [];
      for (let at = 0; at < bytesRead; at += SLICE_BYTES) {
        const slice = chunk.subarray(at, at + SLICE_BYTES);
        const wait = limiter.consume(slice.length);
        if (wait > 0) await until(wait);
        sent(slice.length);
        slices.push(write(slice));
      }
      inFlight[k] = handled(Promise.all(slices));
    }
    for (const pending of inFlight) await socketTook(pending, stallMs);
    // Every write called back: the buffers are free. (After a failure they are left to the GC:
    // a write may still hold one.)
    for (const buffer of buffers) chunks.give(buffer);
    res.end();
  } finally {
    res.off('close', onGone);
  }
}

/** Waits for a write to call back, for at most `stallMs`. */
async function socketTook(pending: Promise<unknown>, stallMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ClientStalled(stallMs)), stallMs);
  });
  try {
    await Promise.race([pending, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

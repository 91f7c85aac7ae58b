// How the pool groups queued files into one worker message. Each message costs both threads a
// wake-up and the main thread ~0.1 ms: with one message per file, 1,000 small files kept the
// workers waiting on the main thread for most of their time (profiled, figure 1).

/** A queued file as the batcher sees it: its size when the caller knew it. */
export interface Batchable {
  size: number | undefined;
}

/** A batch holds files until it reaches this many bytes (an 8 KiB file hashes in ~0.1 ms, 1 MiB in ~1.3 ms). */
export const BATCH_BYTES = 4 * 1024 * 1024;
/** ... or this many files. */
export const BATCH_FILES = 64;

/**
 * Removes from the front of `queue` the jobs of the next message. A file of unknown size, or one
 * of BATCH_BYTES or more, goes alone: it may take long, and the files behind it should stay free
 * to go to whichever worker is idle first.
 */
export function takeBatch<T extends Batchable>(queue: T[]): T[] {
  const batch: T[] = [];
  let bytes = 0;
  while (queue.length > 0 && batch.length < BATCH_FILES) {
    const size = (queue[0] as T).size;
    const alone = size === undefined || size >= BATCH_BYTES;
    if (batch.length > 0 && (alone || bytes + size > BATCH_BYTES)) break;
    batch.push(queue.shift() as T);
    if (alone) break;
    bytes += size;
  }
  return batch;
}

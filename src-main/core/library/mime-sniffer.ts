// A file's format from its first bytes (file-type's magic numbers), for the library's classifier.
// It runs here on the main thread, not in the hash workers that read those bytes: file-type's
// detection is a few very large functions, and each new worker compiled them again (V8's
// optimizing compiler spent ~175 ms of CPU per indexing burst on them, a tenth of the indexing
// bench's CPU, docs/benchmarks.md), then threw that away when the idle worker stopped. Here they
// are compiled once for the life of the node, and a file costs ~20 µs. file-type is loaded on
// first use, so a node with nothing to hash (and the `shoal` command) never loads it.
import type { fileTypeFromBuffer } from 'file-type';

let loading: Promise<typeof fileTypeFromBuffer> | undefined;

/** The mime type the bytes' magic numbers say, or null when they say nothing (or there are none). */
export async function sniffMime(magic: Uint8Array): Promise<string | null> {
  if (magic.length === 0) return null;
  loading ??= import('file-type').then((m) => m.fileTypeFromBuffer);
  const detected = await (await loading)(magic);
  return detected?.mime ?? null;
}

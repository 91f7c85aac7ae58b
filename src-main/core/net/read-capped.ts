// Reads a body another node sent, but never more than the caller expects: a peer that answers a
// gigabyte of JSON must cost us at most the cap, not the gigabyte.
import type { Readable } from 'node:stream';

/** The body's bytes, or undefined (and the stream destroyed) once it passes `maxBytes`. */
export async function readCapped(body: Readable, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) return undefined; // leaving the loop destroys the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

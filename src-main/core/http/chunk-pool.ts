// The 1 MiB buffers uploads are read into, shared by every request. A download from Shoal asks
// for a file in hundreds of 4 MiB ranges; two new buffers per request made V8 count hundreds of
// MB of short-lived external memory and run full collections for it (a third of a source's CPU
// in a profile, and six times the CPU curl's one request cost for the same bytes).
export const CHUNK_BYTES = 1024 * 1024;

export class ChunkPool {
  private readonly free: Buffer[] = [];

  /** `keep`: how many returned buffers wait for reuse: two uploads' worth, so an idle node holds 4 MiB at most. */
  constructor(private readonly keep = 4) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
  }

  /** Only once nothing reads the buffer any more (its socket writes have called back). */
  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}

// Piece-sized buffers a download reuses. A piece arriving in 64 KiB socket reads is copied into
// one of these, so the reads die young; holding the reads themselves until the piece is written
// kept ~4,000 short-lived external buffers alive per GiB and cost more in garbage collection
// (a sixth of the main thread in a profile) than the copy does. Each owns its memory, so it can
// move to the hash thread and back.
export class PieceBuffers {
  private readonly free: Buffer[] = [];
  /** Buffers taken and not given back: pieces being received, checked or written. */
  private taken = 0;

  /** How many returned buffers are kept for reuse; the rest are left to the GC. */
  private readonly keep: number;

  constructor(private readonly pieceSize: number, keepBytes: number) {
    this.keep = Math.max(2, Math.floor(keepBytes / pieceSize));
  }

  /** A buffer of `length` bytes (at most the piece size), contents undefined. */
  take(length: number): Buffer {
    const whole = this.free.pop() ?? Buffer.allocUnsafeSlow(this.pieceSize);
    this.taken++;
    return whole.subarray(0, length);
  }

  /** Gives a buffer from take() back, once nothing reads it any more. */
  give(buffer: Buffer): void {
    this.taken--;
    // Not one whose memory was lost (moved to a thread that died).
    if (this.free.length < this.keep && buffer.buffer.byteLength === this.pieceSize) this.free.push(Buffer.from(buffer.buffer, 0, this.pieceSize));
  }

  /** Bytes held by pieces not yet written. */
  get heldBytes(): number {
    return this.taken * this.pieceSize;
  }
}

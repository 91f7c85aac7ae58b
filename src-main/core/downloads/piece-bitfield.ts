// Which pieces of a download are verified and on disk: one bit per piece, stored as a BLOB.
export class PieceBitfield {
  private readonly bits: Uint8Array;
  private verified = 0;

  constructor(readonly pieceCount: number, stored?: Uint8Array | null) {
    this.bits = new Uint8Array(Math.ceil(pieceCount / 8));
    // A stored field of the wrong length belongs to another piece list: start over.
    if (stored && stored.length === this.bits.length) {
      this.bits.set(stored);
      for (let i = 0; i < pieceCount; i++) if (this.has(i)) this.verified++;
      // Stray bits past the last piece would make `complete` lie.
      for (let i = pieceCount; i < this.bits.length * 8; i++) this.bits[i >> 3]! &= ~(0x80 >> (i & 7));
    }
  }

  has(piece: number): boolean {
    return (this.bits[piece >> 3]! & (0x80 >> (piece & 7))) !== 0;
  }

  set(piece: number): void {
    if (this.has(piece)) return;
    this.bits[piece >> 3]! |= 0x80 >> (piece & 7);
    this.verified++;
  }

  clear(piece: number): void {
    if (!this.has(piece)) return;
    this.bits[piece >> 3]! &= ~(0x80 >> (piece & 7));
    this.verified--;
  }

  get count(): number {
    return this.verified;
  }

  get complete(): boolean {
    return this.verified === this.pieceCount;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bits);
  }
}

// The whole-file SHA-256, computed while the download runs instead of in a long pass at the
// end: verified pieces are fed in file order, from memory when a piece arrives in order, from
// the partial file (the page cache, usually) when it arrived early.
import { createHash } from 'node:crypto';

export class WholeFileHasher {
  private readonly hash = createHash('sha256');
  private cursor = 0;
  private reading = false;
  private idle: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly pieceCount: number,
    private readonly isVerified: (piece: number) => boolean,
    private readonly readPiece: (piece: number) => Promise<Buffer>,
  ) {}

  /** Call after a piece is verified and written; `data` saves a read when it is the next one. */
  pieceVerified(piece: number, chunks?: readonly Buffer[]): void {
    if (!this.reading && piece === this.cursor && chunks) {
      for (const chunk of chunks) this.hash.update(chunk);
      this.cursor++;
    }
    this.advance();
  }

  /** Resolves with the hex digest once every piece has been fed. */
  async digest(): Promise<string> {
    this.advance();
    await this.idle;
    if (this.failure) throw this.failure;
    if (this.cursor < this.pieceCount) throw new Error('not every piece is verified');
    return this.hash.digest('hex');
  }

  /** Reads forward from disk over pieces that were verified out of order. */
  private advance(): void {
    if (this.reading || this.failure || this.cursor >= this.pieceCount || !this.isVerified(this.cursor)) return;
    this.reading = true;
    this.idle = (async () => {
      try {
        // isVerified is asked again after every read, so pieces verified meanwhile are included.
        while (this.cursor < this.pieceCount && this.isVerified(this.cursor)) {
          this.hash.update(await this.readPiece(this.cursor));
          this.cursor++;
        }
      } catch (err) {
        this.failure = err;
      } finally {
        this.reading = false;
      }
    })();
  }
}

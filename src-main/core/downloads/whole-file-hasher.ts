// The whole-file SHA-256, computed while the download runs instead of in a long pass at the
// end: verified pieces are fed in file order, from memory when a piece arrives in order or a
// little early (up to `keepBytes` held), from the partial file when it arrived further ahead.
import { createHash } from 'node:crypto';

export class WholeFileHasher {
  private readonly hash = createHash('sha256');
  private cursor = 0;
  private reading = false;
  private idle: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly early = new Map<number, readonly Buffer[]>();
  private earlyBytes = 0;

  constructor(
    private readonly pieceCount: number,
    private readonly isVerified: (piece: number) => boolean,
    private readonly readPiece: (piece: number) => Promise<Buffer>,
    private readonly keepBytes = 32 * 1024 * 1024,
  ) {}

  /** Call after a piece is verified and written; `data` saves a read when it is the next one. */
  pieceVerified(piece: number, chunks?: readonly Buffer[]): void {
    if (!this.reading && piece === this.cursor && chunks) {
      for (const chunk of chunks) this.hash.update(chunk);
      this.cursor++;
    } else if (chunks && piece > this.cursor) {
      const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
      if (this.earlyBytes + bytes <= this.keepBytes) {
        this.early.set(piece, chunks);
        this.earlyBytes += bytes;
      }
    }
    this.feedEarly();
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

  /** Feeds the pieces held in memory that are next in order. */
  private feedEarly(): void {
    if (this.reading) return;
    for (let chunks = this.early.get(this.cursor); chunks; chunks = this.early.get(this.cursor)) {
      for (const chunk of chunks) this.hash.update(chunk);
      this.take(this.cursor);
      this.cursor++;
    }
  }

  private take(piece: number): void {
    const chunks = this.early.get(piece);
    if (!chunks) return;
    this.early.delete(piece);
    this.earlyBytes -= chunks.reduce((sum, c) => sum + c.length, 0);
  }

  /** Reads forward from disk over pieces that were verified out of order. */
  private advance(): void {
    if (this.reading || this.failure || this.cursor >= this.pieceCount || !this.isVerified(this.cursor)) return;
    this.reading = true;
    this.idle = (async () => {
      try {
        // isVerified is asked again after every read, so pieces verified meanwhile are included.
        while (this.cursor < this.pieceCount && this.isVerified(this.cursor)) {
          const held = this.early.get(this.cursor);
          if (held) for (const chunk of held) this.hash.update(chunk);
          else this.hash.update(await this.readPiece(this.cursor));
          this.take(this.cursor);
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

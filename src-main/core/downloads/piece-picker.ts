// Decides which piece a free source slot fetches next. Pieces go in file order (so a video can be
// previewed, and a partial file is dense from its start); each source pulls work when
// it has a free slot, so a faster source simply gets more. When no piece is left unasked, the
// endgame begins: a free slot takes a piece another source has been fetching for longer than a
// piece usually takes (the one asked longest ago, fewest copies first); the first verified copy
// wins and the others are cancelled. Waiting that long first keeps fast transfers from
// fetching their last pieces twice. A verified piece is never handed out again, and a piece is
// copied a bounded number of times in all: a source that trickles its pieces (slowloris) must
// not turn the endgame into a storm of requests to the honest ones.
import type { PieceBitfield } from './piece-bitfield.js';

/** Endgame copies of one piece, over the whole run (not only at once). */
export const MAX_ENDGAME_COPIES = 2;

export class PiecePicker {
  private readonly fetching = new Map<number, { sources: Set<string>; since: number }>();
  private readonly endgameCopies = new Map<number, number>();
  private scanFrom = 0;
  /** Sources that sent a bad copy of a piece are asked for it again only as a last resort. */
  private readonly badCopies = new Map<number, Set<string>>();

  constructor(private readonly bitfield: PieceBitfield) {}

  /**
   * The next pieces for `source`: a run of up to `maxRun` consecutive open pieces (one HTTP
   * range), or in the endgame one late piece to copy; empty when it has nothing useful to do.
   * `pieceMs` is how long a piece usually takes: pieces further into a run are expected later.
   */
  pick(source: string, now = performance.now(), endgameAfterMs = 0, maxRun = 1, pieceMs = 0): number[] {
    let firstOpen = -1;
    let lastResort = -1;
    for (let i = this.scanFrom; i < this.bitfield.pieceCount; i++) {
      if (!this.isOpen(i)) continue;
      if (firstOpen < 0) firstOpen = i;
      if (this.badCopies.get(i)?.has(source)) {
        if (lastResort < 0) lastResort = i;
        continue;
      }
      const run = [i];
      while (run.length < maxRun && this.isOpen(i + run.length) && !this.badCopies.get(i + run.length)?.has(source)) run.push(i + run.length);
      return this.take(run, source, now, pieceMs, firstOpen);
    }
    this.scanFrom = firstOpen < 0 ? this.bitfield.pieceCount : firstOpen;
    let best: number | null = null;
    let bestEntry: { sources: Set<string>; since: number } | undefined;
    for (const [piece, entry] of this.fetching) {
      if (this.bitfield.has(piece) || entry.sources.has(source) || now - entry.since < endgameAfterMs) continue;
      if ((this.endgameCopies.get(piece) ?? 0) >= MAX_ENDGAME_COPIES) continue;
      if (!bestEntry || entry.sources.size < bestEntry.sources.size || (entry.sources.size === bestEntry.sources.size && entry.since < bestEntry.since)) {
        best = piece;
        bestEntry = entry;
      }
    }
    if (best !== null) {
      bestEntry?.sources.add(source);
      this.endgameCopies.set(best, (this.endgameCopies.get(best) ?? 0) + 1);
      return [best];
    }
    return lastResort >= 0 ? this.take([lastResort], source, now, pieceMs, firstOpen) : [];
  }

  /** `source` sent a copy of `piece` that failed verification. */
  failedBy(piece: number, source: string): void {
    const bad = this.badCopies.get(piece) ?? new Set<string>();
    bad.add(source);
    this.badCopies.set(piece, bad);
  }

  private isOpen(piece: number): boolean {
    return piece < this.bitfield.pieceCount && !this.bitfield.has(piece) && !this.fetching.has(piece);
  }

  private take(run: number[], source: string, now: number, pieceMs: number, firstOpen: number): number[] {
    this.scanFrom = firstOpen;
    run.forEach((piece, k) => this.fetching.set(piece, { sources: new Set([source]), since: now + k * pieceMs }));
    return run;
  }

  /**
   * `piece` is verified: nobody fetches it any more, even while a slow copy is still in flight
   * (left in `fetching`, the endgame would hand it out again and again).
   */
  verified(piece: number): void {
    this.fetching.delete(piece);
    this.endgameCopies.delete(piece);
  }

  /** A fetch of `piece` by `source` ended, verified or not. */
  release(piece: number, source: string): void {
    const entry = this.fetching.get(piece);
    if (!entry) return;
    entry.sources.delete(source);
    if (entry.sources.size === 0) {
      this.fetching.delete(piece);
      if (!this.bitfield.has(piece)) this.scanFrom = Math.min(this.scanFrom, piece);
    }
  }

  /** Pieces neither verified nor being fetched (about: bad copies are not told apart). */
  get openCount(): number {
    return Math.max(0, this.bitfield.pieceCount - this.bitfield.count - this.fetching.size);
  }

  /** True once every missing piece is being fetched: only endgame copies are left to hand out. */
  get inEndgame(): boolean {
    for (let i = this.scanFrom; i < this.bitfield.pieceCount; i++) if (!this.bitfield.has(i) && !this.fetching.has(i)) return false;
    return true;
  }
}

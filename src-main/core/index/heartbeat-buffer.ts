// Heartbeats of online peers, held in memory and written in one transaction every quarter second
// instead of one SQLite UPDATE each: 10,000 peers at a 10 s interval are 1,000 heartbeats a
// second. Only authenticated peers get here, so it holds at most one entry per registered peer.
// Whoever reads last-seen times or loads from the tables (the health sweep) drains it first.

export interface BufferedHeartbeat {
  now: number;
  activeUploads: number;
  freeUploadSlots: number;
  /** The sum of the reputation changes since the last flush. */
  reputationDelta: number;
}

export class HeartbeatBuffer {
  private pending = new Map<string, BufferedHeartbeat>();

  add(peerId: string, beat: BufferedHeartbeat): void {
    const before = this.pending.get(peerId);
    this.pending.set(peerId, before ? { ...beat, reputationDelta: before.reputationDelta + beat.reputationDelta } : beat);
  }

  /** Everything held so far, oldest peer first; the buffer is empty afterwards. */
  drain(): Map<string, BufferedHeartbeat> {
    const drained = this.pending;
    this.pending = new Map();
    return drained;
  }

  get size(): number {
    return this.pending.size;
  }
}

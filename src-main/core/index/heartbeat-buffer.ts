// Heartbeats of online peers, held in memory and written in one transaction every quarter second
// instead of one SQLite UPDATE each: 10,000 peers at a 10 s interval are 1,000 heartbeats a
// second. Only authenticated peers get here, so it holds at most one entry per registered peer.
// Whoever reads last-seen times or loads from the tables (the health sweep) drains it first.

export interface BufferedHeartbeat {
  now: number;
  activeUploads: number;
  freeUploadSlots: number;
  /**
   * The reputation a heartbeat earns (one interval's worth). Earned by time, not by count: the
   * store scales it by the time since the peer was last seen (earnedOverMs), so a peer that
   * heartbeats ten times a flush earns what one heartbeat would.
   */
  reputationDelta: number;
  earnedOverMs?: number;
}

export class HeartbeatBuffer {
  private pending = new Map<string, BufferedHeartbeat>();

  /** The peer's latest heartbeat replaces the one held (every heartbeat earns the same: the store scales it by time). */
  add(peerId: string, beat: BufferedHeartbeat): void {
    this.pending.set(peerId, beat);
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

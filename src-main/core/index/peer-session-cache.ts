// Each peer's session hash and status, held in memory so that authenticating a heartbeat reads no
// SQLite row: at 10,000 peers that read ran 1,000 times a second and was the largest single cost
// of a heartbeat in the load run's CPU profile. Read through from index_peers; IndexStore forgets
// an entry at every write of that peer's status or session, so the tables stay the truth.

export interface PeerSession {
  /** The peer's row id (writes by row id forget entries by it too). */
  id: number;
  sessionHash: string | null;
  status: 'online' | 'offline';
}

export class PeerSessionCache {
  private readonly byPeer = new Map<string, PeerSession>();
  private readonly peerOfRow = new Map<number, string>();

  /** The cached session, else `load()`'s answer, kept unless `keep` is false. */
  get(peerId: string, load: () => PeerSession | undefined, keep = true): PeerSession | undefined {
    const cached = this.byPeer.get(peerId);
    if (cached) return cached;
    const loaded = load();
    if (loaded && keep) {
      this.byPeer.set(peerId, loaded);
      this.peerOfRow.set(loaded.id, peerId);
    }
    return loaded;
  }

  forgetPeer(peerId: string): void {
    const entry = this.byPeer.get(peerId);
    if (!entry) return;
    this.byPeer.delete(peerId);
    this.peerOfRow.delete(entry.id);
  }

  forgetRow(id: number): void {
    const peerId = this.peerOfRow.get(id);
    if (peerId !== undefined) this.forgetPeer(peerId);
  }

  forgetAll(): void {
    this.byPeer.clear();
    this.peerOfRow.clear();
  }
}

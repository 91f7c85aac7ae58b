// The index's side of replication (federation/replica-puller.ts): its own feed read for a member,
// and a member's pages written here. Writes go through the index's write turns in chunks of about
// WRITE_CHUNK_FILES files, so a member's page of thousands of files never holds searches back for
// long; each chunk is one transaction (the commit's cost shared by its peers).
import type { IndexEventMap } from '../../../src-shared/api/index-events.js';
import { MAX_REPLICA_PAGE_PEERS, REPLICA_PAGE_FILES, type ReplicaPage } from '../../../src-shared/api/replica-routes.js';
import type { EventBus } from '../events/event-bus.js';
import type { IndexStore, ReplicaBounds } from './index-store.js';
import type { FeedPeer } from './store/replica-feed.js';
import type { WriteTurns } from './write-turns.js';

/** Files written per write turn at most (one peer is never split). */
const WRITE_CHUNK_FILES = 1_000;
/** Replicas removed per write turn (a member gone, or what a full copy did not send again). */
const DROP_CHUNK_PEERS = 20;

/** What a replica puller needs of an index (federation/replica-puller.ts). */
export interface ReplicaTarget {
  /** Writes a page of member `home`'s feed, as copy `gen`; resolves to the peers refused for the bounds. */
  apply(home: string, gen: number, page: Pick<ReplicaPage, 'peers' | 'removed'>): Promise<{ refused: number }>;
  /** Removes `home`'s replicas written before copy `gen` (Infinity: every one). */
  drop(home: string, gen: number): Promise<number>;
  /** The members whose peers are held here (kept from before a restart, or from members gone). */
  homes(): string[];
}

export interface ReplicaStoreOptions {
  store: IndexStore;
  writes: WriteTurns;
  bus: EventBus<IndexEventMap>;
  /** What a member may keep here (its peers: super_peer.max_peers; files per peer: super_peer.max_files_per_peer; files in all). */
  bounds: () => ReplicaBounds;
  now: () => number;
}

export class ReplicaStore implements ReplicaTarget {
  constructor(private readonly o: ReplicaStoreOptions) {}

  /** This index's own feed after `since` (answers GET /api/v1/federation/replica). */
  page(since: number, epoch: string | undefined, copying: boolean): ReplicaPage {
    return this.o.store.replicaPage(since, epoch, MAX_REPLICA_PAGE_PEERS, REPLICA_PAGE_FILES, copying);
  }

  async apply(home: string, gen: number, page: Pick<ReplicaPage, 'peers' | 'removed'>): Promise<{ refused: number }> {
    if (page.peers.length === 0 && page.removed.length === 0) return { refused: 0 }; // a round with nothing new: no write
    let refused = 0;
    let removed = page.removed;
    for (const peers of chunks(page.peers)) {
      const change = await this.o.writes.run(() => this.o.store.applyReplica(home, gen, { peers, removed }, this.o.bounds(), this.o.now()));
      refused += change.refused;
      if (change.added.length > 0) this.o.bus.publish('file_registered', { peerId: peers[0]!.peerId, fileIds: change.added });
      if (change.removed.length > 0) this.o.bus.publish('file_removed', { fileIds: change.removed });
      this.o.bus.publish('replica_changed', { indexId: home, peers: peers.length, removed: removed.length });
      removed = [];
    }
    return { refused };
  }

  async drop(home: string, gen: number): Promise<number> {
    let dropped = 0;
    for (;;) {
      const { peers, removed } = await this.o.writes.run(() => this.o.store.dropReplicas(home, gen, DROP_CHUNK_PEERS));
      dropped += peers;
      if (removed.length > 0) this.o.bus.publish('file_removed', { fileIds: removed });
      if (peers > 0) this.o.bus.publish('replica_changed', { indexId: home, peers: 0, removed: peers });
      if (peers < DROP_CHUNK_PEERS) return dropped;
    }
  }

  homes(): string[] {
    return this.o.store.replicaHomes();
  }
}

/** The peers in write chunks of about WRITE_CHUNK_FILES files; at least one chunk (a page of removals only). */
function chunks(peers: readonly FeedPeer[]): FeedPeer[][] {
  const out: FeedPeer[][] = [[]];
  let files = 0;
  for (const p of peers) {
    if (out[out.length - 1]!.length > 0 && files + p.files.length > WRITE_CHUNK_FILES) {
      out.push([]);
      files = 0;
    }
    out[out.length - 1]!.push(p);
    files += p.files.length;
  }
  return out;
}

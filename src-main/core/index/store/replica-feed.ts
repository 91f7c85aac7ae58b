// This index server's change feed over its own peers, which federation members pull to keep a
// replica of them (federation/replica-puller.ts). Every write that changes what a member's copy
// shows of an own peer (a registration, its files, its status) gives the peer the next revision;
// removing one leaves a removal with the next revision. A member asks for what came after the last
// revision it has, in pages. Heartbeats change nothing here: they are not replicated.
//
// The revisions live in the database (index_peers.rev, index_peer_removals), the counter and the
// epoch in memory: each time the store opens, the epoch is new and members copy everything again
// (the index has just marked every peer offline, and they register again anyway). Removals are
// kept up to MAX_REMOVALS; a member asking from before the oldest kept starts over (`reset`).
import { randomBytes } from 'node:crypto';
import type { IndexedFile } from '../../../../src-shared/api/index-routes.js';
import type { ReplicaPage } from '../../../../src-shared/api/replica-routes.js';
import { feedFileRow, feedPeerRow, feedRemovalRow, revRow } from './index-rows.js';
import type { TypedSql } from './typed-sql.js';

/** Removals kept at most: a member further behind copies everything again. */
const MAX_REMOVALS = 100_000;

/** A page of the feed, as GET /api/v1/federation/replica answers it (replica-routes.ts). */
export type FeedPage = ReplicaPage;
export type FeedPeer = ReplicaPage['peers'][number];

export class ReplicaFeed {
  readonly epoch = randomBytes(12).toString('base64url');
  private readonly s;
  private last: number;
  /**
   * Removals at or below this revision were forgotten in this epoch: a member asking from before
   * it starts over. Those forgotten before the store opened do not count: every member starts
   * this epoch over anyway.
   */
  private forgottenUpTo = 0;

  constructor(sql: TypedSql) {
    this.s = {
      maxPeerRev: sql.select<[], typeof revRow>(revRow, "SELECT max(rev) AS rev FROM index_peers WHERE home = ''"),
      maxRemovalRev: sql.select<[], typeof revRow>(revRow, 'SELECT max(rev) AS rev FROM index_peer_removals'),
      bump: sql.write<[number, number]>("UPDATE index_peers SET rev = ? WHERE id = ? AND home = ''"),
      remove: sql.write<[string, number]>('INSERT INTO index_peer_removals (peer_id, rev) VALUES (?, ?) ON CONFLICT(peer_id) DO UPDATE SET rev = excluded.rev'),
      unremove: sql.write<[string]>('DELETE FROM index_peer_removals WHERE peer_id = ?'),
      forget: sql.write<[number]>('DELETE FROM index_peer_removals WHERE rev <= ?'),
      removalAt: sql.select<[number], typeof revRow>(revRow, 'SELECT rev FROM index_peer_removals ORDER BY rev DESC LIMIT 1 OFFSET ?'),
      peersAfter: sql.select<[number, number], typeof feedPeerRow>(feedPeerRow,
        "SELECT id, peer_id, name, address, port, status, registered_at, rev FROM index_peers WHERE home = '' AND rev > ? ORDER BY rev LIMIT ?"),
      removalsAfter: sql.select<[number, number], typeof feedRemovalRow>(feedRemovalRow, 'SELECT peer_id, rev FROM index_peer_removals WHERE rev > ? ORDER BY rev LIMIT ?'),
      files: sql.select<[number], typeof feedFileRow>(feedFileRow, `SELECT f.file_id, l.name, l.tags, l.folder, l.size, l.mime, l.category, f.piece_size
        FROM index_locations l JOIN index_files f ON f.fid = l.fid WHERE l.peer = ?`),
    };
    this.last = Math.max(this.s.maxPeerRev.get()?.rev ?? 0, this.s.maxRemovalRev.get()?.rev ?? 0);
  }

  /** An own peer changed (its row id): in the caller's write. */
  changed(rowId: number): void {
    this.s.bump.run(++this.last, rowId);
  }

  /** An own peer registered: a removal of it before is void (its row comes with a later revision). In the caller's write. */
  registered(peerId: string): void {
    this.s.unremove.run(peerId);
  }

  /** An own peer is gone (removed, or now another member's): in the caller's write. */
  removed(peerId: string): void {
    this.s.remove.run(peerId, ++this.last);
  }

  /** Forgets the oldest removals beyond MAX_REMOVALS (the sweeper calls this). */
  forgetOldRemovals(max = MAX_REMOVALS): void {
    const cut = this.s.removalAt.get(max)?.rev;
    if (cut === undefined || cut === null) return;
    this.s.forget.run(cut);
    this.forgottenUpTo = Math.max(this.forgottenUpTo, cut);
  }

  /**
   * What changed after revision `since` of `epoch`: peers (whole, with their files) and removals in
   * revision order, up to `maxPeers` peers and about `maxFiles` files (a peer is never split).
   * `copying`: the member is in a full copy of this epoch (after a `reset`): the removals forgotten
   * before it began do not matter to it (what it does not get again, it drops at the end).
   */
  page(since: number, epoch: string | undefined, maxPeers: number, maxFiles: number, copying = false): FeedPage {
    const reset = epoch !== this.epoch || (since < this.forgottenUpTo && !copying);
    const from = reset ? 0 : since;
    const peers = this.s.peersAfter.all(from, maxPeers);
    // After a reset the member drops whatever this copy does not send again: no removals needed.
    const removals = reset ? [] : this.s.removalsAfter.all(from, maxPeers);
    const out: FeedPage = { epoch: this.epoch, reset, peers: [], removed: [], next: from, more: false };
    // A list cut at its limit may have more beyond its last revision: nothing from the other list
    // after that goes into this page, or the next would skip what lies between.
    const upTo = Math.min(
      peers.length === maxPeers ? peers[peers.length - 1]!.rev : Infinity,
      removals.length === maxPeers ? removals[removals.length - 1]!.rev : Infinity,
    );
    const changed = [...peers.filter((x) => x.rev <= upTo), ...removals.filter((x) => x.rev <= upTo).map((x) => ({ ...x, removal: true }))]
      .sort((x, y) => x.rev - y.rev);
    let files = 0;
    for (const c of changed) {
      if ('removal' in c) {
        out.removed.push(c.peer_id);
      } else {
        if (out.peers.length > 0 && files >= maxFiles) return { ...out, more: true };
        const list = this.s.files.all(c.id).map(toIndexedFile);
        files += list.length;
        out.peers.push({ peerId: c.peer_id, name: c.name, address: c.address, port: c.port, status: c.status, registeredAt: c.registered_at, files: list });
      }
      out.next = c.rev;
    }
    out.more = upTo !== Infinity;
    return out;
  }
}

function toIndexedFile(r: ReturnType<typeof feedFileRow.parse>): IndexedFile {
  const file: IndexedFile = {
    id: r.file_id, name: r.name, size: r.size, mime: r.mime, category: r.category, pieceSize: r.piece_size, tags: JSON.parse(r.tags) as string[],
  };
  if (r.folder !== '') file.folder = r.folder;
  return file;
}

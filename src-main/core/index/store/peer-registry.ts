// The registered peers (index_peers): registration, heartbeats, status, sessions, and what the
// index's limits read of them. A peer's status decides whether its files count as available, so a
// status change also writes the online sources of its files (denormalised-counts.ts). The
// in-memory sessions (peer-session-cache.ts) never differ from index_peers: every write of a
// peer's status or session forgets its entry.
// A row is this server's own peer (home '') or a replica of a federation member's (home: its id,
// written by the member's feed: federation/replica-puller.ts). Replicas have no session, never
// heartbeat here, and are left out of everything that counts or sweeps this server's peers; an
// own peer's changes go into this server's feed (replica-feed.ts).
import type { IndexPeer } from '../../../../src-shared/api/index-routes.js';
import { PeerSessionCache, type PeerSession } from '../peer-session-cache.js';
import { REPUTATION_MAX, REPUTATION_MIN } from '../reputation.js';
import type { DenormalisedCounts } from './denormalised-counts.js';
import {
  countRow, filesAtKeyRow, homeCountRow, homeRow, replicaCountRow, PEER_COLUMNS, PEER_REF_COLUMNS, peerCountsRow, peerIdRow, peerRefRow, peerRow, sessionRow, standingRow, toPeer,
  type PeerRef, type PeerRow, type PeerStatus,
} from './index-rows.js';
import type { FeedPeer, ReplicaFeed } from './replica-feed.js';
import type { TypedSql } from './typed-sql.js';

export interface PeerRegistration {
  peerId: string;
  name: string;
  address: string;
  port: number;
  /** SHA-256 of the session token (session-tokens.ts). */
  sessionHash: string;
  now: number;
  /** The address the registration came from (default: `address`). */
  sourceAddress?: string | undefined;
  /** What the per-address limits count the claimed and the observed address under (address-keys.ts). */
  addressKey?: string | undefined;
  sourceKey?: string | undefined;
}

export interface PeerLoad {
  activeUploads?: number | undefined;
  freeUploadSlots?: number | undefined;
  /** Added to the reputation (bounded 0..100). */
  reputationDelta?: number | undefined;
  /**
   * The reputationDelta is earned over this many ms (a heartbeat's: one interval): it is scaled by
   * the time since the peer was last seen, at most 1×, so heartbeats sent faster than asked earn
   * no more than heartbeats on time. Absent or 0: added whole.
   */
  earnedOverMs?: number | undefined;
}

/** One heartbeat of an online peer, as heartbeat-buffer.ts gathers them. */
export interface Beat { now: number; activeUploads: number; freeUploadSlots: number; reputationDelta: number; earnedOverMs?: number }

/** What the index weighs a peer's reports and limits by (peerStanding); `replica`: a federation member's peer, not registered here. */
export interface PeerStanding { addressKey: string; sourceKey: string; firstSeen: number; reputation: number; status: PeerStatus; fileCount: number; replica: boolean }

/** A heartbeat's change to the reputation, scaled by the time since last seen (see PeerLoad.earnedOverMs). */
const EARNED = `min(${REPUTATION_MAX}, max(${REPUTATION_MIN}, reputation + @delta * iif(@over > 0, min(1.0, max(0.0, (@now - last_seen) * 1.0 / @over)), 1.0)))`;

type TouchValues = { now: number; activeUploads: number | null; freeUploadSlots: number | null; delta: number; over: number };

export class PeerRegistry {
  private readonly s;
  private readonly sessions = new PeerSessionCache();

  constructor(private readonly sql: TypedSql, private readonly counts: DenormalisedCounts, private readonly feed: ReplicaFeed) {
    this.s = {
      peer: sql.select<[string], typeof peerRow>(peerRow, `SELECT ${PEER_COLUMNS} FROM index_peers WHERE peer_id = ?`),
      peerRef: sql.select<[string], typeof peerRefRow>(peerRefRow, `SELECT ${PEER_REF_COLUMNS} FROM index_peers WHERE peer_id = ?`),
      session: sql.select<[string], typeof sessionRow>(sessionRow, 'SELECT id, session_hash, status FROM index_peers WHERE peer_id = ?'),
      upsertPeer: sql.write(`INSERT INTO index_peers (peer_id, name, address, port, session_hash, status, registered_at, last_seen,
          address_key, source_key, first_seen)
        VALUES (@peerId, @name, @address, @port, @sessionHash, 'online', @now, @now, @addressKey, @sourceKey, @now)
        ON CONFLICT(peer_id) DO UPDATE SET name = excluded.name, address = excluded.address, port = excluded.port,
          session_hash = excluded.session_hash, status = 'online', registered_at = excluded.registered_at, last_seen = excluded.last_seen,
          address_key = excluded.address_key, source_key = excluded.source_key, home = '', replica_gen = 0`),
      // A replica: no session, no address keys (the per-address limits count this server's own peers).
      upsertReplica: sql.write<{ peerId: string; name: string; address: string; port: number; status: PeerStatus; registeredAt: number; now: number; home: string; gen: number }>(
        `INSERT INTO index_peers (peer_id, name, address, port, session_hash, status, registered_at, last_seen, address_key, source_key, first_seen, home, replica_gen)
        VALUES (@peerId, @name, @address, @port, NULL, @status, @registeredAt, @now, '', '', @now, @home, @gen)
        ON CONFLICT(peer_id) DO UPDATE SET name = excluded.name, address = excluded.address, port = excluded.port, session_hash = NULL,
          registered_at = excluded.registered_at, last_seen = excluded.last_seen, address_key = '', source_key = '', home = excluded.home,
          replica_gen = excluded.replica_gen`),
      replicaCount: sql.select<[string], typeof replicaCountRow>(replicaCountRow, 'SELECT count(*) AS peers, coalesce(sum(file_count), 0) AS files FROM index_peers WHERE home = ?'),
      homeOf: sql.select<[string], typeof homeCountRow>(homeCountRow, 'SELECT home, file_count FROM index_peers WHERE peer_id = ?'),
      nextHome: sql.select<[string], typeof homeRow>(homeRow, "SELECT home FROM index_peers WHERE home > ? ORDER BY home LIMIT 1"),
      replicasOf: sql.select<[string, number, number], typeof peerIdRow>(peerIdRow, 'SELECT peer_id FROM index_peers WHERE home = ? AND replica_gen < ? LIMIT ?'),
      filesAtKey: sql.select<{ key: string }, typeof filesAtKeyRow>(filesAtKeyRow, 'SELECT sum(file_count) AS n FROM index_peers WHERE address_key = @key OR source_key = @key'),
      peersAtKey: sql.select<{ key: string }, typeof countRow>(countRow, 'SELECT count(*) AS n FROM index_peers WHERE address_key = @key OR source_key = @key'),
      peerKeys: sql.select<[string], typeof standingRow>(standingRow,
        'SELECT address_key, source_key, first_seen, reputation, status, file_count, home FROM index_peers WHERE peer_id = ?'),
      setStatus: sql.write<[PeerStatus, number]>('UPDATE index_peers SET status = ? WHERE id = ?'),
      // The reputation first: it reads the last_seen this statement replaces (SQLite evaluates
      // every expression of an UPDATE against the old row).
      touchOnline: sql.write<TouchValues & { peerId: string }>(`UPDATE index_peers SET reputation = ${EARNED}, last_seen = @now,
          active_uploads = coalesce(@activeUploads, active_uploads), free_upload_slots = coalesce(@freeUploadSlots, free_upload_slots)
        WHERE peer_id = @peerId AND status = 'online'`),
      touch: sql.write<TouchValues & { id: number }>(`UPDATE index_peers SET reputation = ${EARNED}, last_seen = @now,
          active_uploads = coalesce(@activeUploads, active_uploads), free_upload_slots = coalesce(@freeUploadSlots, free_upload_slots)
        WHERE id = @id`),
      forgetSession: sql.write<[number]>('UPDATE index_peers SET session_hash = NULL WHERE id = ?'),
      forgetSessions: sql.write('UPDATE index_peers SET session_hash = NULL'),
      allOffline: sql.write("UPDATE index_peers SET status = 'offline' WHERE status = 'online'"),
      deletePeer: sql.write<[number]>('DELETE FROM index_peers WHERE id = ?'),
      silent: sql.select<[number], typeof peerIdRow>(peerIdRow, "SELECT peer_id FROM index_peers WHERE status = 'online' AND last_seen < ? AND home = '' ORDER BY last_seen"),
      offlineSince: sql.select<[number], typeof peerIdRow>(peerIdRow, "SELECT peer_id FROM index_peers WHERE status = 'offline' AND last_seen < ? AND home = '' ORDER BY last_seen"),
      listPeers: sql.select<{ status: string | null; limit: number; offset: number }, typeof peerRow>(peerRow, `SELECT ${PEER_COLUMNS} FROM index_peers
        WHERE home = '' AND (@status IS NULL OR status = @status) ORDER BY status = 'online' DESC, id LIMIT @limit OFFSET @offset`),
      countPeers: sql.select<{ status: string | null }, typeof countRow>(countRow, "SELECT count(*) AS n FROM index_peers WHERE home = '' AND (@status IS NULL OR status = @status)"),
      // Kept in index_totals by every write that adds, removes or turns a peer (a registration asks twice whether there is room).
      peerCounts: sql.select<[], typeof peerCountsRow>(peerCountsRow, 'SELECT peers AS total, peers_online AS online FROM index_totals WHERE id = 1'),
      addPeers: sql.write<[number, number]>('UPDATE index_totals SET peers = peers + ?, peers_online = peers_online + ? WHERE id = 1'),
      noPeersOnline: sql.write('UPDATE index_totals SET peers_online = 0 WHERE id = 1'),
    };
  }

  /** The peer's row (what an IndexPeer shows). */
  row(peerId: string): PeerRow | undefined {
    return this.s.peer.get(peerId);
  }

  getPeer(peerId: string): IndexPeer | undefined {
    const row = this.s.peer.get(peerId);
    return row && toPeer(row);
  }

  /** The peer as writes refer to it. */
  ref(peerId: string): PeerRef | undefined {
    return this.s.peerRef.get(peerId);
  }

  /** The stored session of a peer (hash of its token; null when it must register again). */
  getPeerSession(peerId: string): Pick<PeerSession, 'sessionHash' | 'status'> | undefined {
    const load = () => {
      const row = this.s.session.get(peerId);
      return row && { id: row.id, sessionHash: row.session_hash, status: row.status };
    };
    // What a transaction reads may yet be rolled back: kept only when read outside one.
    const session = this.sessions.get(peerId, load, !this.sql.db.inTransaction);
    return session && { sessionHash: session.sessionHash, status: session.status };
  }

  /** Peers registered (online or offline) whose claimed or observed address counts under `key` (address-keys.ts). */
  peersAtAddress(key: string): number {
    return this.s.peersAtKey.get({ key })?.n ?? 0;
  }

  /** The files listed by peers whose claimed or observed address counts under `key`. */
  filesAtAddress(key: string): number {
    return this.s.filesAtKey.get({ key })?.n ?? 0;
  }

  /** What the index weighs a peer's reports and limits by: its address keys, when it was first registered, its standing. */
  peerStanding(peerId: string): PeerStanding | undefined {
    const row = this.s.peerKeys.get(peerId);
    return row && {
      addressKey: row.address_key, sourceKey: row.source_key, firstSeen: row.first_seen, reputation: row.reputation, status: row.status, fileCount: row.file_count,
      replica: row.home !== '',
    };
  }

  /** Creates or refreshes a peer, online, with a new session; a known peer keeps its reputation and files. In the caller's write. */
  upsert(r: PeerRegistration): PeerRef {
    this.sessions.forgetPeer(r.peerId); // a new session, and online
    const before = this.s.peerRef.get(r.peerId);
    const row = {
      peerId: r.peerId, name: r.name, address: r.address, port: r.port, sessionHash: r.sessionHash, now: r.now,
      addressKey: r.addressKey ?? r.address, sourceKey: r.sourceKey ?? r.sourceAddress ?? r.address,
    };
    this.feed.registered(r.peerId);
    if (before && before.home === '') {
      this.setStatus(before, 'online');
      this.s.upsertPeer.run(row);
      this.feed.changed(before.id);
      return before;
    }
    // New here, or a member's peer that registers here now (a failover): it counts from now on.
    if (before) this.setStatus(before, 'online');
    this.s.upsertPeer.run(row);
    this.s.addPeers.run(1, 1);
    const peer = this.s.peerRef.get(r.peerId) as PeerRef;
    this.feed.changed(peer.id);
    return peer;
  }

  /**
   * Writes a member's peer as its feed sends it (in the caller's write), unless this server knows
   * the peer from a later registration: its own peer, or another member's, registered there after.
   * An own peer that registered with the member since is the member's now (it moved): its session
   * is void and it leaves this server's feed. Undefined when left as it was.
   */
  upsertReplica(home: string, gen: number, p: Omit<FeedPeer, 'files'>, now: number): PeerRef | undefined {
    const before = this.s.peerRef.get(p.peerId);
    if (before && (before.registered_at > p.registeredAt || (before.home === '' && before.registered_at === p.registeredAt))) return undefined;
    if (before?.home === '') {
      this.s.addPeers.run(-1, before.status === 'online' ? -1 : 0);
      this.feed.removed(p.peerId);
      before.home = home;
    }
    if (before) this.setStatus(before, p.status);
    this.sessions.forgetPeer(p.peerId);
    this.s.upsertReplica.run({ peerId: p.peerId, name: p.name, address: p.address, port: p.port, status: p.status, registeredAt: p.registeredAt, now, home, gen });
    return before ? { ...before, registered_at: p.registeredAt } : this.s.peerRef.get(p.peerId);
  }

  /** The replicas of `home`'s peers this server holds, and their files. */
  replicaCount(home: string): { peers: number; files: number } {
    return this.s.replicaCount.get(home) ?? { peers: 0, files: 0 };
  }

  /** A peer's row as the replicas' bounds weigh it: its home and its file count. */
  standing(peerId: string): { home: string; file_count: number } | undefined {
    return this.s.homeOf.get(peerId);
  }

  /** The members whose peers this server holds replicas of. */
  replicaHomes(): string[] {
    const homes: string[] = [];
    for (let h = this.s.nextHome.get(''); h; h = this.s.nextHome.get(h.home)) homes.push(h.home);
    return homes;
  }

  /** Up to `limit` of `home`'s replicas written by a copy before `gen` (every one: Infinity). */
  replicasOf(home: string, gen: number, limit: number): string[] {
    return this.s.replicasOf.all(home, gen, limit).map((r) => r.peer_id);
  }

  /**
   * Keeps a peer online: last seen now, its load, a reputation change. A peer that had gone
   * offline (silent) comes back online with its files. False when the peer is unknown.
   */
  touchPeer(peerId: string, now: number, load: PeerLoad = {}): boolean {
    const values = {
      now, activeUploads: load.activeUploads ?? null, freeUploadSlots: load.freeUploadSlots ?? null, delta: load.reputationDelta ?? 0,
      over: load.earnedOverMs ?? 0,
    };
    // The heartbeat of an online peer, the common case: one statement, no transaction.
    if (this.s.touchOnline.run({ ...values, peerId }).changes > 0) return true;
    return this.counts.write(() => {
      const peer = this.s.peerRef.get(peerId);
      if (!peer) return false;
      if (peer.status === 'offline') this.setStatus(peer, 'online');
      this.s.touch.run({ ...values, id: peer.id });
      return true;
    });
  }

  /**
   * Many heartbeats of online peers in one transaction (heartbeat-buffer.ts). A peer that went
   * offline or was removed meanwhile is left alone: a late heartbeat never brings it back.
   */
  touchOnlinePeers(beats: Iterable<[string, Beat]>): void {
    this.sql.db.transaction(() => {
      for (const [peerId, b] of beats) {
        this.s.touchOnline.run({ peerId, now: b.now, activeUploads: b.activeUploads, freeUploadSlots: b.freeUploadSlots, delta: b.reputationDelta, over: b.earnedOverMs ?? 0 });
      }
    })();
  }

  /** Marks peers offline (their files stop counting as available). Returns those that were online. */
  markOffline(peerIds: readonly string[], options: { forgetSession?: boolean } = {}): string[] {
    return this.counts.write(() => {
      const changed: string[] = [];
      for (const peerId of peerIds) {
        const peer = this.s.peerRef.get(peerId);
        if (!peer) continue;
        if (options.forgetSession) {
          this.s.forgetSession.run(peer.id);
          this.sessions.forgetPeer(peerId);
        }
        if (peer.status !== 'online') continue;
        this.setStatus(peer, 'offline');
        changed.push(peerId);
      }
      return changed;
    });
  }

  /** Every peer offline, in the caller's write: their files' online sources are the caller's (markAllOffline). */
  allOffline(): void {
    this.sessions.forgetAll();
    this.s.allOffline.run();
    this.s.noPeersOnline.run();
  }

  /** Voids every session: peers must register again (after an index restart). */
  forgetSessions(): void {
    this.s.forgetSessions.run();
    this.sessions.forgetAll();
  }

  /** Online peers not seen since before `cutoffMs`. */
  peersSilentSince(cutoffMs: number): string[] {
    return this.s.silent.all(cutoffMs).map((r) => r.peer_id);
  }

  /** Offline peers not seen since before `cutoffMs`. */
  peersOfflineSince(cutoffMs: number): string[] {
    return this.s.offlineSince.all(cutoffMs).map((r) => r.peer_id);
  }

  /** Deletes a peer's row, once its locations are gone (the caller's). */
  delete(peer: PeerRef, peerId: string): void {
    this.s.deletePeer.run(peer.id);
    if (peer.home === '') {
      this.s.addPeers.run(-1, peer.status === 'online' ? -1 : 0);
      this.feed.removed(peerId);
    }
    this.sessions.forgetPeer(peerId);
  }

  listPeers(q: { offset: number; limit: number; status?: PeerStatus | undefined }): { items: IndexPeer[]; total: number } {
    const status = q.status ?? null;
    const items = this.s.listPeers.all({ status, limit: q.limit, offset: q.offset }).map(toPeer);
    return { items, total: this.s.countPeers.get({ status })?.n ?? 0 };
  }

  peerCounts(): { online: number; total: number } {
    const peers = this.s.peerCounts.get();
    return { online: peers?.online ?? 0, total: peers?.total ?? 0 };
  }

  /** A peer's status change, with its files' online sources. */
  private setStatus(peer: PeerRef, status: PeerStatus): void {
    if (peer.status === status) return;
    this.s.setStatus.run(status, peer.id);
    if (peer.home === '') {
      this.s.addPeers.run(0, status === 'online' ? 1 : -1);
      this.feed.changed(peer.id);
    }
    this.sessions.forgetRow(peer.id);
    this.counts.bumpPeerSources(peer.id, status === 'online' ? 1 : -1);
    peer.status = status;
  }
}

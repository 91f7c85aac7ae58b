// The rows the index store's SQL returns, as zod schemas: each gives its TypeScript type and the
// columns its statements must select (typed-sql.ts; checked by test/unit/index-store-rows.test.ts).
// Also how a row becomes what the API answers (IndexPeer, a result's source).
import { z } from 'zod';
import { categorySchema } from '../../../../src-shared/api/common.js';
import type { IndexPeer, SearchResult } from '../../../../src-shared/api/index-routes.js';
import { peerBaseUrl, sourceDownloadUrl } from '../source-ranking.js';

export type IndexSource = SearchResult['sources'][number];
export type PeerStatus = 'online' | 'offline';

const int = z.number();
const text = z.string();
const status = z.enum(['online', 'offline']);

/** A count or a flag: `SELECT count(*) AS n`, `SELECT 1 AS one`. */
export const countRow = z.object({ n: int });
export const oneRow = z.object({ one: int });
export const fidRow = z.object({ fid: int });
export const peerIdRow = z.object({ peer_id: text });

// ---- index_peers ----------------------------------------------------------------------------

/** What an IndexPeer shows (toPeer), and the row id. */
export const peerRow = z.object({
  id: int, peer_id: text, name: text, address: text, port: int, status, registered_at: int, last_seen: int,
  reputation: int, active_uploads: int, free_upload_slots: int, file_count: int,
});
export const PEER_COLUMNS = 'id, peer_id, name, address, port, status, registered_at, last_seen, reputation, active_uploads, free_upload_slots, file_count';
export type PeerRow = z.infer<typeof peerRow>;
/**
 * A peer as the writes refer to it: its row id and status (kept current by setStatus), its home
 * ('': registered here; else the member it is a replica from) and when it last registered there.
 */
export const peerRefRow = z.object({ id: int, status, home: text, registered_at: int });
export const PEER_REF_COLUMNS = 'id, status, home, registered_at';
export type PeerRef = z.infer<typeof peerRefRow>;
export const sessionRow = z.object({ id: int, session_hash: text.nullable(), status });
export const standingRow = z.object({ address_key: text, source_key: text, first_seen: int, reputation: int, status, file_count: int, home: text });
export const filesAtKeyRow = z.object({ n: int.nullable() });
export const peerCountsRow = z.object({ total: int, online: int });
/** An own peer as the change feed sends it (replica-feed.ts). */
export const feedPeerRow = z.object({ id: int, peer_id: text, name: text, address: text, port: int, status, registered_at: int, rev: int });
export const feedRemovalRow = z.object({ peer_id: text, rev: int });
export const feedFileRow = z.object({ file_id: text, name: text, tags: text, folder: text, size: int, mime: text, category: categorySchema, piece_size: int });
export const revRow = z.object({ rev: int.nullable() });
export const homeRow = z.object({ home: text });
export const homeCountRow = z.object({ home: text, file_count: int });
export const replicaCountRow = z.object({ peers: int, files: int });

// ---- index_reports --------------------------------------------------------------------------

export const movedRow = z.object({ moved: int.nullable() });
export const reportAtRow = z.object({ at: int });

// ---- index_totals ---------------------------------------------------------------------------

export const totalsRow = z.object({ files: int, available: int, available_bytes: int });
export const fidRangeRow = z.object({ hi: int.nullable(), lo: int.nullable() });

// ---- index_files and index_locations --------------------------------------------------------

/** What the writes keep of a file: its claims and its summary of its sources' texts. */
export const summaryRow = z.object({
  fid: int, category: categorySchema, size: int, mime: text, names: text, tags: text, folders: text, online_sources: int,
});
export const SUMMARY_COLUMNS = 'fid, category, size, mime, names, tags, folders, online_sources';
export type Summary = z.infer<typeof summaryRow>;
/** A file as a search result shows it. */
export const fileRow = z.object({
  fid: int, file_id: text, size: int, mime: text, category: categorySchema, piece_size: int, first_seen: int,
  online_sources: int, names: text, tags: text, folders: text,
});
/** What a write of a file's online sources returns (deleteFile, bump: RETURNING). */
export const availabilityRow = z.object({ online_sources: int, size: int });
export type Availability = z.infer<typeof availabilityRow>;
/** One source's claims about a file (index_locations). */
export const locationRow = z.object({ name: text, tags: text, folder: text, size: int, mime: text, category: text });
/** One source's claims, with what the majority is weighed by. */
export const claimRow = z.object({
  name: text, tags: text, folder: text, size: int, mime: text, category: categorySchema, reputation: int, status,
});
export type Claim = z.infer<typeof claimRow>;
export const onlineClaimRow = z.object({ size: int, address: text, port: int });
/** One of a peer's locations, with its claims (a registration compares them with what it lists now). */
export const peerLocationRow = locationRow.extend({ fid: int, file_id: text });
export type PeerLocation = z.infer<typeof peerLocationRow>;

// ---- sources --------------------------------------------------------------------------------

/** A source as a result lists it (toSource). */
export const sourceRow = z.object({
  peer_id: text, name: text, address: text, port: int, reputation: int, active_uploads: int, free_upload_slots: int,
});
export type SourceRow = z.infer<typeof sourceRow>;
/** A source row with its file and what source-ranking.ts scores it by. */
export const rankedSourceRow = sourceRow.extend({
  fid: int, order: int, activeUploads: int, freeUploadSlots: int, failuresRecent: int,
});
export type RankedSource = z.infer<typeof rankedSourceRow>;

// ---- search ---------------------------------------------------------------------------------

/** A full-text hit with what ranking reads; `ok`: it passed the file filters, `n`: its rank in the scan. */
export const hitRow = z.object({ fid: int, size: int, sources: int, names: text, ok: int, n: int });
export type Hit = Omit<z.infer<typeof hitRow>, 'ok' | 'n'>;
export const countedRow = z.object({ n: int, reached: int.nullable() });

// ---- rows to answers ------------------------------------------------------------------------

export const round2 = (n: number) => Math.round(n * 100) / 100;

export const toPeer = (r: PeerRow): IndexPeer => ({
  peerId: r.peer_id, name: r.name, address: r.address, port: r.port, url: peerBaseUrl(r.address, r.port),
  status: r.status, fileCount: r.file_count, reputation: round2(r.reputation), activeUploads: r.active_uploads,
  freeUploadSlots: r.free_upload_slots, registeredAt: new Date(r.registered_at).toISOString(), lastSeen: new Date(r.last_seen).toISOString(),
});

export const toSource = (fileId: string) => (r: SourceRow): IndexSource => ({
  peerId: r.peer_id, name: r.name, url: sourceDownloadUrl(r.address, r.port, fileId), reputation: round2(r.reputation),
  activeUploads: r.active_uploads, freeUploadSlots: r.free_upload_slots,
});

// The order in which the index offers a file's sources (search results, the download redirect):
// best first by one score, in points, from what the index knows about each online peer:
//
//   score = reputation                          0..100 (reputation.ts)
//         + 8  × min(free upload slots, 5)      up to +40: it said it has room
//         − 4  × min(active uploads, 10)        up to −40: it is busy
//         − 10 × min(recent failures, 5)        up to −50: downloaders reported failures lately
//                                               (a count that halves every 10 minutes)
//
// Load moves a peer by up to 40 points either way, so a busy peer with a good name yields to an
// idle peer with an average one, while a peer that keeps failing sinks below both until its
// failures fade. Ties go to the peer registered first (lowest rowid), so the order is stable.
// The SQL below is the same formula, for ORDER BY; a unit test holds the two together.
import { hostForUrl } from '../net/host-for-url.js';

export interface SourceLoad {
  reputation: number;
  activeUploads: number;
  freeUploadSlots: number;
  failuresRecent: number;
}

export const SCORE_WEIGHTS = {
  freeSlot: 8,
  maxFreeSlots: 5,
  activeUpload: 4,
  maxActiveUploads: 10,
  failure: 10,
  maxFailures: 5,
} as const;

export function sourceScore(s: SourceLoad): number {
  const w = SCORE_WEIGHTS;
  return s.reputation
    + w.freeSlot * Math.min(s.freeUploadSlots, w.maxFreeSlots)
    - w.activeUpload * Math.min(s.activeUploads, w.maxActiveUploads)
    - w.failure * Math.min(s.failuresRecent, w.maxFailures);
}

/** sourceScore as an SQL expression over an index_peers row aliased `alias`. */
export function sourceScoreSql(alias: string): string {
  const w = SCORE_WEIGHTS;
  return `(${alias}.reputation + ${w.freeSlot} * min(${alias}.free_upload_slots, ${w.maxFreeSlots})`
    + ` - ${w.activeUpload} * min(${alias}.active_uploads, ${w.maxActiveUploads})`
    + ` - ${w.failure} * min(${alias}.failures_recent, ${w.maxFailures}))`;
}

/** Sorts sources best first (a copy), ties by `order` (registration order). */
export function rankSources<T extends SourceLoad & { order: number }>(sources: readonly T[]): T[] {
  return [...sources].sort((a, b) => sourceScore(b) - sourceScore(a) || a.order - b.order);
}

/** A peer's base address; IPv6 addresses in brackets. */
export function peerBaseUrl(address: string, port: number): string {
  return `http://${hostForUrl(address)}:${port}`;
}

/** Where a source serves a file. */
export function sourceDownloadUrl(address: string, port: number, fileId: string): string {
  return `${peerBaseUrl(address, port)}/api/v1/download/${fileId}`;
}

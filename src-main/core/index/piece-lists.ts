// The piece layer of a file (and its SHA-256 once a source knows it), for its Metalink and its
// torrent. The index does not store them, so it asks an
// online source (`GET {peer}/api/v1/files/{fileId}/pieces`), best sources first, each with a short
// timeout. What a peer sends is never trusted: the body is read up to what the file's piece count
// needs, validated with zod, and must prove to be the file's (piece-layer-proof.ts).
// Accepted lists are kept in a small LRU (digests as bytes, bounded in entries and bytes), so a
// peer cannot make the index hold unbounded memory; concurrent asks for one file share one fetch.
import type { NodeDialer } from '../net/node-dialer.js';
import { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import { pieceCountFor, pieceSizeFor } from '../../../src-shared/piece-size.js';
import { pieceListProves } from '../hashing/piece-layer-proof.js';
import { nodeApiClient, type NodeApiOf } from '../net/contract-transport.js';

export interface PieceList {
  pieceSize: number;
  /** The piece layer of the file's hash tree, lowercase hex, in order (proven against the id). */
  pieces: string[];
  /**
   * The whole content's SHA-256 as a source claims it (computed in the background there). The
   * index cannot check it without the bytes; a wrong one only makes a Metalink client refuse the
   * download, never accept a wrong file.
   */
  sha256?: string;
}

export interface PieceListOptions {
  /** Sources asked, one after another, before giving up. */
  maxSources?: number;
  timeoutMs?: number;
  /** Cache bounds. */
  maxEntries?: number;
  maxCachedBytes?: number;
  ttlMs?: number;
  now?: () => number;
  /** This node's dialer: sources are asked over TLS when encryption is on. */
  dialer?: NodeDialer | undefined;
}

interface Entry { pieceSize: number; digests: Buffer; sha256: string | undefined; at: number }

const HASH_BYTES = 32;
/** One hex hash in the JSON answer, with quotes and a comma. */
const JSON_BYTES_PER_PIECE = 64 + 3;

export class PieceLists {
  private readonly cache = new Map<string, Entry>(); // insertion order = least recently used first
  private cachedBytes = 0;
  private readonly inFlight = new Map<string, Promise<PieceList | undefined>>();
  private readonly maxSources: number;
  private readonly timeoutMs: number;
  private readonly maxEntries: number;
  private readonly maxCachedBytes: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  private readonly peers: NodeApiOf<typeof peerRoutes>;

  constructor(o: PieceListOptions = {}) {
    this.peers = nodeApiClient(peerRoutes, o.dialer);
    this.maxSources = o.maxSources ?? 4;
    this.timeoutMs = o.timeoutMs ?? 2_000;
    this.maxEntries = o.maxEntries ?? 256;
    this.maxCachedBytes = o.maxCachedBytes ?? 8 * 1024 * 1024;
    this.ttlMs = o.ttlMs ?? 10 * 60_000;
    this.now = o.now ?? Date.now;
  }

  /**
   * The file's piece list, or undefined when none of the sources (download URLs, best first) gave
   * a valid one. `needSha256`: a cached list without the SHA-256 is asked for again.
   */
  get(fileId: string, size: number, sourceUrls: readonly string[], o: { needSha256?: boolean } = {}): Promise<PieceList | undefined> {
    const cached = this.fromCache(fileId, size);
    if (cached && (cached.sha256 || !o.needSha256)) return Promise.resolve(cached);
    const pending = this.inFlight.get(fileId);
    if (pending) return pending;
    const job = this.fetchFirst(fileId, size, sourceUrls).finally(() => this.inFlight.delete(fileId));
    this.inFlight.set(fileId, job);
    return job;
  }

  get cacheStats(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cachedBytes };
  }

  /** The first proven list; sources go on being asked until one also tells the content's SHA-256. */
  private async fetchFirst(fileId: string, size: number, sourceUrls: readonly string[]): Promise<PieceList | undefined> {
    let found: PieceList | undefined;
    for (const url of sourceUrls.slice(0, this.maxSources)) {
      const list = await this.ask(url, fileId, size);
      if (!list) continue;
      found = { ...(found ?? list), ...(list.sha256 ? { sha256: list.sha256 } : {}) };
      if (found.sha256) break;
    }
    if (found) this.remember(fileId, found);
    return found;
  }

  /** One source's answer if it fits the file; never throws. */
  private async ask(downloadUrl: string, fileId: string, size: number): Promise<PieceList | undefined> {
    const count = pieceCountFor(size, pieceSizeFor(size));
    try {
      const source = new URL(downloadUrl);
      if (source.protocol !== 'http:' && source.protocol !== 'https:') return undefined;
      // Over TLS when encryption is on, to whichever node answers: the list proves itself against the id.
      const list = await this.peers.getPieces({ params: { fileId } }, {
        address: source.origin, expected: 'any', timeoutMs: this.timeoutMs, maxBytes: count * JSON_BYTES_PER_PIECE + 1024,
      });
      if (!pieceListProves(list, fileId, size)) return undefined;
      return { pieceSize: list.pieceSize, pieces: list.pieces, ...(list.sha256 ? { sha256: list.sha256 } : {}) };
    } catch {
      return undefined; // unreachable, timed out, refused, not the route's answer: the next source
    }
  }

  private fromCache(fileId: string, size: number): PieceList | undefined {
    const entry = this.cache.get(fileId);
    if (!entry) return undefined;
    this.forget(fileId, entry);
    if (this.now() - entry.at > this.ttlMs || entry.digests.length !== pieceCountFor(size, entry.pieceSize) * HASH_BYTES) return undefined;
    this.cache.set(fileId, entry); // most recently used
    this.cachedBytes += entry.digests.length;
    const pieces: string[] = [];
    for (let i = 0; i < entry.digests.length; i += HASH_BYTES) pieces.push(entry.digests.toString('hex', i, i + HASH_BYTES));
    return { pieceSize: entry.pieceSize, pieces, ...(entry.sha256 ? { sha256: entry.sha256 } : {}) };
  }

  private remember(fileId: string, list: PieceList): void {
    const digests = Buffer.from(list.pieces.join(''), 'hex');
    if (digests.length > this.maxCachedBytes) return; // a huge file: fetched each time, never held
    const old = this.cache.get(fileId);
    if (old) this.forget(fileId, old);
    while (this.cache.size >= this.maxEntries || this.cachedBytes + digests.length > this.maxCachedBytes) {
      const oldest = this.cache.entries().next().value;
      if (!oldest) break;
      this.forget(oldest[0], oldest[1]);
    }
    this.cache.set(fileId, { pieceSize: list.pieceSize, digests, sha256: list.sha256, at: this.now() });
    this.cachedBytes += digests.length;
  }

  private forget(fileId: string, entry: Entry): void {
    this.cache.delete(fileId);
    this.cachedBytes -= entry.digests.length;
  }
}

// The piece hashes of a file, for its Metalink. The index does not store them, so it asks an
// online source (`GET {peer}/api/v1/files/{fileId}/pieces`), best sources first, each with a short
// timeout. What a peer sends is never trusted: the body is read up to what the file's piece count
// needs, validated with zod, and must fit the file (piece-list-fit.ts).
// Accepted lists are kept in a small LRU (digests as bytes, bounded in entries and bytes), so a
// peer cannot make the index hold unbounded memory; concurrent asks for one file share one fetch.
// A peer can still send a well-formed list with wrong hashes for a file of several pieces; the
// client then rejects those pieces (aria2c verifies each), and the entry expires after CACHE_TTL_MS.
import { piecesSchema } from '../../../src-shared/api/library.js';
import { pieceCountFor, pieceSizeFor } from '../../../src-shared/piece-size.js';
import { pieceListProves } from '../hashing/piece-layer-proof.js';
import { readCapped } from '../net/read-capped.js';

export interface PieceList {
  pieceSize: number;
  /** SHA-256 of each piece, lowercase hex, in order. */
  pieces: string[];
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
}

interface Entry { pieceSize: number; digests: Buffer; at: number }

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

  constructor(o: PieceListOptions = {}) {
    this.maxSources = o.maxSources ?? 4;
    this.timeoutMs = o.timeoutMs ?? 2_000;
    this.maxEntries = o.maxEntries ?? 256;
    this.maxCachedBytes = o.maxCachedBytes ?? 8 * 1024 * 1024;
    this.ttlMs = o.ttlMs ?? 10 * 60_000;
    this.now = o.now ?? Date.now;
  }

  /** The file's piece list, or undefined when none of the sources (download URLs, best first) gave a valid one. */
  get(fileId: string, size: number, sourceUrls: readonly string[]): Promise<PieceList | undefined> {
    const cached = this.fromCache(fileId, size);
    if (cached) return Promise.resolve(cached);
    const pending = this.inFlight.get(fileId);
    if (pending) return pending;
    const job = this.fetchFirst(fileId, size, sourceUrls).finally(() => this.inFlight.delete(fileId));
    this.inFlight.set(fileId, job);
    return job;
  }

  get cacheStats(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cachedBytes };
  }

  private async fetchFirst(fileId: string, size: number, sourceUrls: readonly string[]): Promise<PieceList | undefined> {
    for (const url of sourceUrls.slice(0, this.maxSources)) {
      const list = await this.ask(url, fileId, size);
      if (list) {
        this.remember(fileId, list);
        return list;
      }
    }
    return undefined;
  }

  /** One source's answer if it fits the file; never throws. */
  private async ask(downloadUrl: string, fileId: string, size: number): Promise<PieceList | undefined> {
    const count = pieceCountFor(size, pieceSizeFor(size));
    try {
      const url = new URL(`/api/v1/files/${fileId}/pieces`, downloadUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
      const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        return undefined;
      }
      const text = await readCapped(res.body, count * JSON_BYTES_PER_PIECE + 1024);
      if (text === undefined) return undefined;
      const parsed = piecesSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return undefined;
      if (!pieceListProves(parsed.data, fileId, size)) return undefined;
      return { pieceSize: parsed.data.pieceSize, pieces: parsed.data.pieces };
    } catch {
      return undefined; // unreachable, timed out, not JSON: the next source
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
    return { pieceSize: entry.pieceSize, pieces };
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
    this.cache.set(fileId, { pieceSize: list.pieceSize, digests, at: this.now() });
    this.cachedBytes += digests.length;
  }

  private forget(fileId: string, entry: Entry): void {
    this.cache.delete(fileId);
    this.cachedBytes -= entry.digests.length;
  }
}

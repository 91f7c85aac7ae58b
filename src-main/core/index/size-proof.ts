// Settling a file's size when its sources disagree. The id (a BEP 52 pieces root) commits to the
// size, so a source whose piece list proves the id for the size it claims is right (to within the
// last piece) and one claiming another piece count is wrong, however many agree with it. When the
// store meets a file whose sources claim more than one size (a registration, an update), the index
// asks up to two online sources of each claimed size for their piece list, in the background, one
// file at a time; a size that proves becomes the file's (IndexStore.proveSize), whatever the count.
// A one-piece file has no list (its id is its piece's hash): its claims stay decided by majority.
import type { Logger } from 'pino';
import { pieceCountFor, pieceSizeFor } from '../../../src-shared/piece-size.js';
import type { IndexStore } from './index-store.js';
import { PieceLists } from './piece-lists.js';

export type SizeProver = (fileId: string, size: number, downloadUrl: string) => Promise<boolean>;

/** The plain way: the source's /files/{id}/pieces, checked against the id and the size (piece-lists.ts). */
export const proveSizeByPieceList: SizeProver = async (fileId, size, downloadUrl) =>
  // A fresh PieceLists each time: its cache is by file id, and here the size is what is in question.
  (await new PieceLists({ maxSources: 1, maxEntries: 1 }).get(fileId, size, [downloadUrl])) !== undefined;

/** Files waiting for a check at most: beyond, new conflicts wait for the next registration that meets them. */
const MAX_QUEUED = 1000;

export class SizeChecks {
  private readonly queue = new Set<string>();
  private running = false;
  private stopped = false;

  constructor(private readonly store: Pick<IndexStore, 'drainSizeConflicts' | 'sizeClaims' | 'proveSize'>, private readonly prove: SizeProver, private readonly logger: Logger) {}

  /** Queues the files the store met with conflicting sizes; checks them in the background. */
  checkConflicts(): void {
    for (const fileId of this.store.drainSizeConflicts()) if (this.queue.size < MAX_QUEUED) this.queue.add(fileId);
    if (this.queue.size > 0 && !this.running && !this.stopped) {
      this.running = true;
      setImmediate(() => void this.run());
    }
  }

  stop(): void {
    this.stopped = true;
    this.queue.clear();
  }

  private async run(): Promise<void> {
    try {
      for (const fileId of this.queue) {
        if (this.stopped) return;
        this.queue.delete(fileId);
        await this.check(fileId).catch((err: unknown) => this.logger.debug({ err, fileId }, 'could not check a file\u2019s claimed sizes'));
      }
    } finally {
      this.running = false;
    }
  }

  private async check(fileId: string): Promise<void> {
    const claims = this.store.sizeClaims(fileId);
    if (claims.length < 2) return;
    for (const { size, urls } of claims) {
      if (pieceCountFor(size, pieceSizeFor(size)) < 2) continue; // nothing to prove it with
      for (const url of urls) {
        if (this.stopped) return;
        if (await this.prove(fileId, size, url)) {
          this.store.proveSize(fileId, size);
          this.logger.info({ fileId, size }, 'a source proved the size of a file its sources disagreed on');
          return;
        }
      }
    }
  }
}

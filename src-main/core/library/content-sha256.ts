// The whole-content SHA-256 of each shared file, computed in the background while the node is
// idle. Never on the path to sharing: a file is shared (and found, and downloaded) by its tree
// id as soon as it is indexed. The SHA-256 only serves clients that know no hash tree (a
// Metalink's `<hash type="sha-256">` for aria2c) and people who check a file with `sha256sum`.
// It reads in steps on the hash thread, and stops reading whenever the node gets busy.
import { lstat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { HashThread } from '../hashing/hash-thread.js';
import type { LibraryStore } from '../store/library-store.js';

export interface ContentSha256Options {
  store: LibraryStore;
  hashThread: HashThread;
  /** Whether the node has better things to do (hashing new files, downloading). */
  busy(): boolean;
  logger: Logger;
  /** How often to look again when busy or when everything is done. */
  idleCheckMs?: number;
  /** How much one step reads (a piece check waits behind at most one step). */
  stepBytes?: number;
}

const DEFAULT_IDLE_CHECK_MS = 1_000;
const DEFAULT_STEP_BYTES = 32 * 1024 * 1024;

export class ContentSha256 {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** Ids are visited in order; a file that could not be read waits for the next round. */
  private after = '';
  /** Every file was visited: nothing to look for until the library changes (wake()). */
  private exhausted = false;

  constructor(private readonly o: ContentSha256Options) {}

  start(): void {
    this.schedule(0);
  }

  /** The library changed: there may be files to hash, before the cursor too. */
  wake(): void {
    this.exhausted = false;
    this.after = '';
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  /** Hashes files one after another until the node is busy or none is left. */
  private async round(): Promise<void> {
    const idleCheckMs = this.o.idleCheckMs ?? DEFAULT_IDLE_CHECK_MS;
    while (!this.closed && !this.exhausted && !this.o.busy()) {
      const next = this.o.store.nextWithoutSha256(this.after);
      if (!next) {
        // Done; files skipped (unreadable now) are tried again when the library next changes.
        this.exhausted = true;
        this.after = '';
        break;
      }
      const done = await this.hashOne(next).catch((err: unknown) => {
        this.o.logger.debug({ err, path: next.path }, 'could not compute a file\'s SHA-256 now');
        return true; // skip it this round
      });
      if (!done) break; // the node got busy: the same file next time
      this.after = next.id;
    }
    this.schedule(idleCheckMs);
  }

  /** True when the file was hashed (or skipped for good this round); false when interrupted. */
  private async hashOne(file: { id: string; path: string; size: number; mtimeMs: number; inode: number }): Promise<boolean> {
    if (!(await this.unchanged(file))) return true; // the library will re-hash it; its new row comes later
    const digest = await this.o.hashThread.startDigest(file.path);
    try {
      const step = this.o.stepBytes ?? DEFAULT_STEP_BYTES;
      for (let at = Math.min(step, file.size); ; at = Math.min(at + step, file.size)) {
        if (this.closed || this.o.busy()) return false;
        await digest.advance(at);
        if (at === file.size) break;
      }
      const sha256 = await digest.digest();
      // Bytes that changed while they were read give a digest of neither version.
      if (await this.unchanged(file)) this.o.store.setSha256(file.id, sha256);
      return true;
    } finally {
      digest.close();
    }
  }

  private async unchanged(file: { path: string; size: number; mtimeMs: number; inode: number }): Promise<boolean> {
    const st = await lstat(file.path).catch(() => undefined);
    return !!st && st.isFile() && st.size === file.size && st.mtimeMs === file.mtimeMs && st.ino === file.inode;
  }
}

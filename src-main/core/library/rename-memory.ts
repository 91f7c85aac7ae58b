// Contents whose last location vanished a moment ago, by (inode, size, mtime): when that stamp
// reappears at another path soon after, the file was renamed or moved, and it keeps its id (and
// tags) without being hashed again.
import type { FileRow } from '../store/library-store.js';

/** Long enough for a move's two watcher events to settle (writeSettleMs each), short enough to hold little. */
export const RENAME_MEMORY_MS = 10_000;

export interface StatStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

export class RenameMemory {
  private readonly entries = new Map<string, { file: FileRow; at: number }>();

  constructor(private readonly memoryMs = RENAME_MEMORY_MS, private readonly now: () => number = Date.now) {}

  /** A content left `stamp`'s path; entries older than the memory are dropped on the way. */
  remember(stamp: StatStamp, file: FileRow): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (now - entry.at > this.memoryMs) this.entries.delete(key);
    this.entries.set(keyOf(stamp), { file, at: now });
  }

  /** The content that left a path with this very stamp a moment ago, if one did. */
  find(stamp: StatStamp): FileRow | undefined {
    // Asked for every file indexed; the key (an mtime with its fraction in decimal) costs more
    // than the lookup, and the memory is nearly always empty.
    if (this.entries.size === 0) return undefined;
    const entry = this.entries.get(keyOf(stamp));
    return entry && this.now() - entry.at < this.memoryMs ? entry.file : undefined;
  }
}

function keyOf(stamp: StatStamp): string {
  return `${stamp.ino}:${stamp.size}:${stamp.mtimeMs}`;
}

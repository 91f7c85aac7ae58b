// Library changes not yet told to the index, coalesced per file id: the last word about a file
// wins (added then removed within one window sends only the removal).
import { MAX_FILES_PER_REQUEST, type IndexedFile } from '../../../src-shared/api/index-routes.js';

export interface FileChangeBatch {
  added: IndexedFile[];
  removed: string[];
}

export class PendingChanges {
  /** File id → the file as it is now, or null when it left the library. */
  private changes = new Map<string, IndexedFile | null>();

  added(file: IndexedFile): void {
    this.changes.delete(file.id); // keeps the map in event order
    this.changes.set(file.id, file);
  }

  removed(id: string): void {
    this.changes.delete(id);
    this.changes.set(id, null);
  }

  clear(): void {
    this.changes.clear();
  }

  /** Empties the queue and returns its content in requests of at most MAX_FILES_PER_REQUEST of each kind. */
  take(max = MAX_FILES_PER_REQUEST): FileChangeBatch[] {
    const added: IndexedFile[] = [];
    const removed: string[] = [];
    for (const [id, file] of this.changes) {
      if (file) added.push(file);
      else removed.push(id);
    }
    this.changes = new Map();
    const batches: FileChangeBatch[] = [];
    for (let i = 0; i < Math.max(added.length, removed.length); i += max) {
      batches.push({ added: added.slice(i, i + max), removed: removed.slice(i, i + max) });
    }
    return batches;
  }

  /** Puts back batches that were not delivered, unless a newer change of the same file came since. */
  restore(batches: FileChangeBatch[]): void {
    const newer = this.changes;
    this.changes = new Map();
    for (const batch of batches) {
      for (const file of batch.added) this.changes.set(file.id, file);
      for (const id of batch.removed) this.changes.set(id, null);
    }
    for (const [id, change] of newer) {
      this.changes.delete(id);
      this.changes.set(id, change);
    }
  }
}

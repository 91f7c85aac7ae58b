// Tells the bus a content changed or left: library_file_updated with the content as the local
// user sees it, or library_file_removed. Strangers (public-view.ts) hear of a content shared
// only with some devices never: not its update, not its id when it leaves (hiddenFromStrangers),
// unless it was public before, when they hear it leave.
import { ANONYMOUS } from '../access/viewer.js';
import type { EventBus } from '../events/event-bus.js';
import type { FileRow, LibraryStore, LocationRow } from '../store/library-store.js';
import type { LibraryRoots } from './library-roots.js';
import { toSharedFile } from './shared-file-view.js';

export class ChangePublisher {
  /** Contents whose event is being published and must not reach strangers. */
  private readonly hidden = new Set<string>();

  constructor(private readonly store: LibraryStore, private readonly roots: LibraryRoots, private readonly bus: EventBus) {}

  /** True while an event about a content strangers must not learn of is being published. */
  hiddenFromStrangers(fileId: string): boolean {
    return this.hidden.has(fileId);
  }

  /** Publishes a content as the store has it now (one read of its row, one of its locations). */
  publish(fileId: string, wasPublic: boolean): void {
    const file = this.store.getFile(fileId);
    const locations = file ? this.store.locationsOf(fileId) : [];
    if (file && locations.length > 0) this.publishUpdate(file, locations, wasPublic);
    else this.emit(fileId, !wasPublic, () => this.bus.publish('library_file_removed', { id: fileId }));
  }

  /**
   * Publishes a content from rows the caller just wrote (its row and every location it has,
   * oldest first), without reading them back. `wasPublic` defaults to whether it is public now.
   */
  publishUpdate(file: FileRow, locations: LocationRow[], wasPublic?: boolean): void {
    const isPublic = !this.roots.anyRestricted || this.roots.visible(locations, ANONYMOUS).length > 0;
    // The view is built only if a listener reads it (a WebSocket client, the index client, the
    // desktop window); the rows are the caller's own, never changed after this.
    this.emit(file.id, !(wasPublic ?? isPublic) && !isPublic, () => this.bus.publishLazy('library_file_updated', () => toSharedFile(file, locations, true)));
  }

  private emit(fileId: string, hidden: boolean, publish: () => void): void {
    if (hidden) this.hidden.add(fileId);
    try {
      publish();
    } finally {
      this.hidden.delete(fileId);
    }
  }
}

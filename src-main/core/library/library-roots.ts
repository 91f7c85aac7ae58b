// The library's roots (the shared folder and every path shared by hand) and who may see each:
// a root in root_access is seen only by the devices listed there. Only memory: the Library keeps
// the store in step with it.
import { dirname } from 'node:path';
import type { Viewer } from '../access/viewer.js';
import type { LocationRow } from '../store/library-store.js';
import { isInside } from './path-rules.js';

export class LibraryRoots {
  private readonly paths = new Set<string>();
  /** Roots shared only with some devices, by root: the node ids that may see them. */
  private readonly restricted: Map<string, Set<string>>;
  sharedFolder: string | undefined;

  constructor(restrictedRoots: ReadonlyMap<string, readonly string[]>) {
    this.restricted = new Map([...restrictedRoots].map(([root, devices]) => [root, new Set(devices)]));
  }

  /** Whether any root is shared only with some devices (none: every viewer sees everything, no query needed). */
  get anyRestricted(): boolean {
    return this.restricted.size > 0;
  }

  has(root: string): boolean {
    return this.paths.has(root);
  }

  add(root: string): void {
    this.paths.add(root);
  }

  delete(root: string): void {
    this.paths.delete(root);
  }

  /** A snapshot: a rescan walks these while shares and unshares may change the set. */
  all(): string[] {
    return [...this.paths];
  }

  /** The deepest root holding `path`. */
  rootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const root of this.paths) if (isInside(path, root) && (!best || root.length > best.length)) best = root;
    return best;
  }

  /** Whether a folder still needs its watch: it is in a root, or holds a file shared by path. */
  needsWatch(dir: string): boolean {
    if (this.rootOf(dir)) return true;
    for (const root of this.paths) if (dirname(root) === dir) return true;
    return false;
  }

  /** The devices that may see a root, or undefined when everyone may. */
  devicesOf(root: string): ReadonlySet<string> | undefined {
    return this.restricted.get(root);
  }

  /** Restricts a root to these devices, or (null) shares it with everyone again. */
  setAccess(root: string, devices: readonly string[] | null): void {
    if (devices) this.restricted.set(root, new Set(devices));
    else this.restricted.delete(root);
  }

  /** Whether a path (a file being hashed, say) is in a root shared with everyone. */
  isPublicPath(path: string): boolean {
    const root = this.rootOf(path);
    return root === undefined || !this.restricted.has(root);
  }

  /** The locations `viewer` may see, in their order. */
  visible(locations: LocationRow[], viewer: Viewer): LocationRow[] {
    if (viewer === 'local' || this.restricted.size === 0) return locations;
    return locations.filter((l) => {
      const devices = this.restricted.get(l.root);
      return !devices || (viewer.device !== null && devices.has(viewer.device));
    });
  }
}

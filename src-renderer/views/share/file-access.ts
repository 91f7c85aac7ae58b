// Who may see a shared file, as Share shows it, worked out as the node does (library-roots.ts):
// each local path belongs to the deepest root holding it (GET /api/v1/library/roots); a file is
// seen only by some devices when every one of its paths is in a root shared only with some
// devices, and then by the devices of any of those roots. A file shared by hand before its folder
// was is a root of its own, so its access can differ from its folder's.
import type { SharedRoot } from '../../../src-shared/api/access.js';

export interface FileAccess {
  /** The roots the file's paths are in, each once, in the order of its paths. */
  roots: SharedRoot[];
  /** True when only some devices see it; `devices` then says how many may. */
  restricted: boolean;
  devices: number;
}

/** Whether `path` is `root` or inside it (either separator: the node may run on Windows). */
function isInside(path: string, root: string): boolean {
  if (path === root) return true;
  if (!path.startsWith(root)) return false;
  const last = root[root.length - 1];
  return last === '/' || last === '\\' || path[root.length] === '/' || path[root.length] === '\\';
}

/** The deepest root holding `path`, if any. */
export function rootOfPath(path: string, roots: readonly SharedRoot[]): SharedRoot | undefined {
  let best: SharedRoot | undefined;
  for (const root of roots) if (isInside(path, root.path) && (!best || root.path.length > best.path.length)) best = root;
  return best;
}

/** Who may see a file with these local paths; undefined while the roots (or the paths) are unknown. */
export function fileAccess(paths: readonly string[] | undefined, roots: readonly SharedRoot[] | null): FileAccess | undefined {
  if (!paths?.length || !roots) return undefined;
  const held = [...new Set(paths.map((p) => rootOfPath(p, roots)).filter((r): r is SharedRoot => r !== undefined))];
  if (held.length === 0) return undefined;
  const restricted = held.every((r) => r.access === 'devices');
  return { roots: held, restricted, devices: restricted ? new Set(held.flatMap((r) => r.devices)).size : 0 };
}

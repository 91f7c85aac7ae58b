// Pure path checks the library relies on to never read outside what the user shared.
import { isAbsolute, normalize, sep } from 'node:path';

/** True when `child` is `parent` or lies under it (both absolute, normalised, symlinks resolved). */
export function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(sep) ? parent : parent + sep;
  return child.startsWith(prefix);
}

/** A path a user may name: absolute, already normalised (no `..`, no `.`), no NUL byte. */
export function isCleanAbsolutePath(path: string): boolean {
  if (path.includes('\0') || !isAbsolute(path)) return false;
  const trimmed = path.length > 1 && path.endsWith(sep) ? path.slice(0, -1) : path;
  return normalize(trimmed) === trimmed;
}

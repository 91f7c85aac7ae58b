// Whether out/ was built from the sources as they are now, so `npm start` can skip a build that
// would change nothing. The fingerprint is every input's path, size and mtime: an edit, a new or
// a deleted file changes it. Written only after a build succeeded.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const INPUT_DIRS = ['src-main', 'src-shared', 'src-renderer', 'bench', 'loadtest'];
const INPUT_FILE = /^(package(-lock)?\.json|tsconfig.*\.json|vite.*\.config\.ts)$/;
const STAMP = join('out', '.build-fingerprint');

export function buildFingerprint(root) {
  const hash = createHash('sha256');
  const add = (path) => {
    const s = statSync(path);
    hash.update(`${relative(root, path)}\0${s.size}\0${s.mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) add(path);
    }
  };
  for (const name of readdirSync(root).sort()) if (INPUT_FILE.test(name)) add(join(root, name));
  for (const dir of INPUT_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return hash.digest('hex');
}

export function buildIsCurrent(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp) || !existsSync(join(root, 'out', 'src-main', 'cli', 'main.js'))) return false;
  return readFileSync(stamp, 'utf8').trim() === buildFingerprint(root);
}

/** Call with the fingerprint taken before the build: an edit during the build then still counts. */
export function markBuilt(root, fingerprint) {
  writeFileSync(join(root, STAMP), `${fingerprint}\n`);
}

// What the user stopped sharing (issue 16, item 15): the library remembers each unshared path
// (excluded_paths); this lists them as they are on disk now and shares them again.
import { lstat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { UnsharedFile } from '../../../src-shared/api/unshared.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { Library } from './library.js';

type Unshared = Pick<Library, 'unsharedPage' | 'isUnshared' | 'share'>;

/** A page of unshared files, each looked at on disk (a page is at most 200: one lstat each). */
export async function listUnshared(library: Unshared, offset: number, limit: number, search?: string): Promise<{ items: UnsharedFile[]; total: number }> {
  const { rows, total } = library.unsharedPage(offset, limit, search);
  const items = await Promise.all(rows.map(async ({ path, unsharedAt }) => {
    const st = await lstat(path).catch(() => undefined);
    const present = st?.isFile() === true;
    return { path, name: basename(path), unsharedAt: new Date(unsharedAt).toISOString(), present, size: present && st ? st.size : null };
  }));
  return { items, total };
}

/**
 * Shares one unshared path again, as sharing it by path would: at once under its old id when it is
 * unchanged since the unshare (resume-unshared.ts), else hashed again in the background.
 * Only a path the node remembers, and only while it is a regular file: a link put in its place is
 * never followed to share what it points at.
 */
export async function shareAgain(library: Unshared, path: string): Promise<void> {
  if (!(await library.isUnshared(path))) throw new ShoalError('NOT_UNSHARED');
  const st = await lstat(path).catch(() => undefined);
  if (!st) throw new ShoalError('PATH_NOT_FOUND', 'The file is no longer there (moved or deleted since it was unshared).');
  if (!st.isFile()) throw new ShoalError('NOT_A_FILE', 'Something other than a file is at this path now.');
  await library.share(path);
}

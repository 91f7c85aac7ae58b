// The store queries the rescan and folder deletions rely on: every location's stamp in one
// query, and the locations under a folder by a range on the primary key (not by scanning all);
// the locations with a stamp (a renamed file's old path);
// and what an unshared path keeps so that sharing it again unchanged needs no hash.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src-main/core/store/database.js';
import { LibraryStore } from '../../src-main/core/store/library-store.js';

let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

function storeWith(paths: string[]): LibraryStore {
  db = openDatabase(':memory:');
  const store = new LibraryStore(db);
  const file = { id: 'a'.repeat(64), size: 1, pieceSize: 262144, pieceHashes: Buffer.alloc(32), mime: 'text/plain', category: 'document' as const, sharedAt: 0 };
  paths.forEach((path, i) => {
    store.recordLocation(file, { path, fileId: file.id, root: '/s', name: path.split('/').pop() ?? '', size: 1, mtimeMs: 1000.5 + i, inode: 10 + i, addedAt: 0 });
  });
  return store;
}

describe('LibraryStore locations', () => {
  it('lists the paths under a folder, and not those of a sibling sharing its prefix', () => {
    const store = storeWith(['/s/dir/a.txt', '/s/dir/sub/b.txt', '/s/dir0/c.txt', '/s/dir-x/d.txt', '/s/dir.txt', '/s/dir', '/s/di/e.txt']);
    expect(store.locationPathsUnder('/s/dir', '/').sort()).toEqual(['/s/dir/a.txt', '/s/dir/sub/b.txt']);
    expect(store.locationPathsUnder('/s/dir/', '/').sort()).toEqual(['/s/dir/a.txt', '/s/dir/sub/b.txt']);
    expect(store.locationPathsUnder('/s/nothing', '/')).toEqual([]);
    expect(store.locationPathsUnder('/s', '/')).toHaveLength(7);
  });

  it('loads every location\'s (size, mtime, inode) stamp at once, and tells which paths were never taken', () => {
    const store = storeWith(['/s/one', '/s/two', '/s/three']);
    const stamps = store.locationStamps();
    expect(stamps.take('/s/one', 1, 1000.5, 10)).toBe(true);
    expect(stamps.take('/s/two', 1, 1001.5, 99)).toBe(false); // another inode: changed
    expect(stamps.take('/s/new', 1, 1000.5, 10)).toBe(false);
    expect(stamps.take('/s/one', 1, 1000.5, 10)).toBe(false); // taken once only
    expect(stamps.untaken()).toEqual(['/s/three']);
  });

  it('finds the locations hashed with a stamp (where a renamed file was), whatever their path', () => {
    const store = storeWith(['/s/old/a.txt', '/s/old/b.txt', '/s/other.txt']);
    expect(store.pathsWithStamp({ size: 1, mtimeMs: 1000.5, ino: 10 })).toEqual(['/s/old/a.txt']);
    expect(store.pathsWithStamp({ size: 1, mtimeMs: 1000.5, ino: 11 })).toEqual([]); // another inode
    expect(store.pathsWithStamp({ size: 2, mtimeMs: 1001.5, ino: 11 })).toEqual([]); // another size
    expect(store.pathsWithStamp({ size: 1, mtimeMs: 1001.25, ino: 11 })).toEqual([]); // another mtime
    expect(store.pathsWithStamp({ size: 1, mtimeMs: 1001.5, ino: 11 })).toEqual(['/s/old/b.txt']);
  });

  it('keeps an unshared path\'s stamp and content until it is shared again, and the content while a path names it', () => {
    const store = storeWith(['/s/dir/a.txt', '/s/dir/b.txt', '/s/other.txt']);
    const file = store.getFile('a'.repeat(64))!;
    store.setUserTags(file.id, ['kept']);
    store.setSha256(file.id, 'f'.repeat(64));
    const kept = store.getFile(file.id)!;
    for (const path of ['/s/dir/a.txt', '/s/dir/b.txt', '/s/other.txt']) {
      store.exclude(store.getLocation(path)!);
      store.removeLocation(path);
    }
    expect(store.getFile(file.id)).toBeUndefined(); // no location left: gone from the library
    expect(store.isExcluded('/s/dir/a.txt')).toBe(true);

    expect(store.unexcludeUnder('/s/dir', '/').sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: '/s/dir/a.txt', fileId: file.id, size: 1, mtimeMs: 1000.5, inode: 10 },
      { path: '/s/dir/b.txt', fileId: file.id, size: 1, mtimeMs: 1001.5, inode: 11 },
    ]);
    expect(store.isExcluded('/s/dir/a.txt')).toBe(false);
    store.dropUnusedUnsharedContents();
    expect(store.unsharedContent(file.id)).toEqual({ ...kept, sharedAt: 0 }); // /s/other.txt still names it

    expect(store.unexcludeUnder('/s/other.txt', '/')).toHaveLength(1);
    store.dropUnusedUnsharedContents();
    expect(store.unsharedContent(file.id)).toBeUndefined();
  });

  it('keeps its counts between writes and counts again after any (the public ones too, which strangers ask for)', () => {
    const store = storeWith(['/s/a.txt', '/s/b.txt']);
    expect(store.counts()).toEqual({ files: 1, locations: 2, bytes: 1 });
    expect(store.visibleCounts(null)).toEqual({ files: 1, locations: 2, bytes: 1 });
    const other = { id: 'b'.repeat(64), size: 5, pieceSize: 262144, pieceHashes: Buffer.alloc(32), mime: 'text/plain', category: 'document' as const, sharedAt: 0 };
    store.recordLocation(other, { path: '/s/c.txt', fileId: other.id, root: '/s', name: 'c.txt', size: 5, mtimeMs: 1, inode: 99, addedAt: 0 });
    expect(store.counts()).toEqual({ files: 2, locations: 3, bytes: 6 });
    store.removeLocation('/s/a.txt');
    expect(store.counts()).toEqual({ files: 2, locations: 2, bytes: 6 });
    // Restricting the root hides its files from the public, at once.
    store.setRootAccess('/s', ['DEVICE']);
    expect(store.visibleCounts(null)).toEqual({ files: 0, locations: 0, bytes: 0 });
    expect(store.visibleCounts('DEVICE')).toEqual({ files: 2, locations: 2, bytes: 6 });
    store.removeLocation('/s/c.txt');
    expect(store.visibleCounts('DEVICE')).toEqual({ files: 1, locations: 1, bytes: 1 });
    // A count handed out is a copy: changing it changes nothing kept.
    store.counts().files = 42;
    expect(store.counts().files).toBe(1);
  });
});

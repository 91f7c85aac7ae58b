// Numbered migrations. Append only: a released migration never changes; add the next number.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'library',
    sql: `
      -- One row per content (file id = SHA-256 of the bytes).
      CREATE TABLE files (
        id            TEXT PRIMARY KEY,
        size          INTEGER NOT NULL,
        piece_size    INTEGER NOT NULL,
        piece_hashes  BLOB NOT NULL,              -- piece count x 32 raw bytes
        mime          TEXT NOT NULL,
        category      TEXT NOT NULL,
        user_tags     TEXT NOT NULL DEFAULT '[]', -- JSON array
        shared_at     INTEGER NOT NULL            -- epoch ms
      ) STRICT;
      -- Where a content lives on disk; the (size, mtime, inode) triple lets a rescan skip re-hashing.
      CREATE TABLE locations (
        path      TEXT PRIMARY KEY,
        file_id   TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        root      TEXT NOT NULL,                  -- the library root it was found under
        name      TEXT NOT NULL,
        size      INTEGER NOT NULL,
        mtime_ms  REAL NOT NULL,
        inode     INTEGER NOT NULL,
        added_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX locations_file_id ON locations(file_id);
      CREATE INDEX locations_root ON locations(root);
      -- Folders and files the user shared by path, besides the shared folder.
      CREATE TABLE shared_paths (
        path      TEXT PRIMARY KEY,
        added_at  INTEGER NOT NULL
      ) STRICT;
      -- Paths the user unshared inside a root: a rescan must not share them again.
      CREATE TABLE excluded_paths (
        path      TEXT PRIMARY KEY,
        added_at  INTEGER NOT NULL
      ) STRICT;
      -- Small node-wide values (node id, ...).
      CREATE TABLE node_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];

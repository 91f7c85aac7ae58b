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
      -- One row per content (file id = the root of its hash tree since migration 4).
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
  {
    version: 2,
    name: 'index',
    // The index server role (src-main/core/index/index-store.ts): registered peers, the files
    // they hold and a full-text table for search. `index_` prefixes keep it apart from the library.
    sql: `
      CREATE TABLE index_peers (
        id                INTEGER PRIMARY KEY,        -- used in joins; peer_id is the public id
        peer_id           TEXT NOT NULL UNIQUE,
        name              TEXT NOT NULL,
        address           TEXT NOT NULL,
        port              INTEGER NOT NULL,
        session_hash      TEXT,                       -- NULL: no valid session, it must register again
        status            TEXT NOT NULL CHECK (status IN ('online', 'offline')),
        registered_at     INTEGER NOT NULL,           -- epoch ms of the latest registration
        last_seen         INTEGER NOT NULL,           -- epoch ms; offline peers: when they went silent
        reputation        REAL NOT NULL DEFAULT 50,   -- 0 to 100 (reputation.ts)
        active_uploads    INTEGER NOT NULL DEFAULT 0, -- its load, from its last heartbeat
        free_upload_slots INTEGER NOT NULL DEFAULT 0,
        failures_recent   REAL NOT NULL DEFAULT 0,    -- reported failures, decaying (half-life 10 min)
        transfers_ok      INTEGER NOT NULL DEFAULT 0, -- transfers downloaders reported verified
        transfers_failed  INTEGER NOT NULL DEFAULT 0, -- ... reported failed or corrupt
        bytes_served      INTEGER NOT NULL DEFAULT 0, -- bytes of verified transfers
        file_count        INTEGER NOT NULL DEFAULT 0  -- its locations, kept by the store
      ) STRICT;
      CREATE INDEX index_peers_status ON index_peers(status, last_seen);

      -- One row per content known to the index. online_sources is denormalised (the number of
      -- its locations whose peer is online) so that filters and sorts by sources are cheap; the
      -- store keeps it right on every change of a location or a peer's status.
      CREATE TABLE index_files (
        fid            INTEGER PRIMARY KEY,           -- the full-text rowid; grows, so newest = highest
        file_id        TEXT NOT NULL,                 -- unique, kept so by the store (see file_key)
        file_key       INTEGER NOT NULL,              -- first 52 bits of file_id: a small index key
        size           INTEGER NOT NULL,
        mime           TEXT NOT NULL,
        category       TEXT NOT NULL,
        piece_size     INTEGER NOT NULL,
        ext            TEXT NOT NULL,                 -- of its first name, '' for none
        first_seen     INTEGER NOT NULL,
        online_sources INTEGER NOT NULL DEFAULT 0,
        names          TEXT NOT NULL,                 -- JSON: distinct names it is known by (capped)
        tags           TEXT NOT NULL                  -- JSON: union of its sources' tags (capped)
      ) STRICT;
      -- An index on 8-byte keys instead of 64-character ids: random ids scatter inserts over
      -- the whole index, and a smaller index is what keeps a 5,000-file registration cheap.
      CREATE INDEX index_files_key ON index_files(file_key);
      CREATE INDEX index_files_size ON index_files(size);
      CREATE INDEX index_files_sources ON index_files(online_sources);

      -- Which peer holds which file, under which name and tags.
      CREATE TABLE index_locations (
        fid   INTEGER NOT NULL,
        peer  INTEGER NOT NULL,
        name  TEXT NOT NULL,
        tags  TEXT NOT NULL,                          -- JSON array
        PRIMARY KEY (fid, peer)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX index_locations_peer ON index_locations(peer);

      -- Full text, rowid = fid. Contentless (the text lives in index_files.names/tags): name =
      -- the names with camelCase split (name-tokens.ts), tags = the tags, meta = filter tokens
      -- (c<category>, e<ext>, t<tag>, s<size order of magnitude>) so the filters are intersected
      -- inside FTS5 instead of row by row.
      CREATE VIRTUAL TABLE index_fts USING fts5(
        name, tags, meta,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      );

      -- Totals for stats, kept by the store in the same transactions (counting a million rows on
      -- every stats_update would not do). Not triggers: a trigger's statement savepoint makes
      -- FTS5 flush its pending inserts on every row, which slows a bulk registration 4×.
      CREATE TABLE index_totals (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        files           INTEGER NOT NULL,
        available       INTEGER NOT NULL,             -- files with an online source
        available_bytes INTEGER NOT NULL
      ) STRICT;
      INSERT INTO index_totals VALUES (1, 0, 0, 0);
    `,
  },
  {
    version: 3,
    name: 'downloads',
    // The download manager (src-main/core/downloads): one row per download. The bitfield is
    // written only after the partial file was synced, so a set bit always means bytes on disk.
    sql: `
      CREATE TABLE downloads (
        id            TEXT PRIMARY KEY,             -- a UUID
        file_id       TEXT NOT NULL,
        name          TEXT NOT NULL,                -- the name it is saved under
        size          INTEGER,                      -- NULL until a source or index told it
        piece_size    INTEGER,
        piece_hashes  BLOB,                         -- piece count x 32 raw bytes, once fetched
        bitfield      BLOB,                         -- verified pieces, one bit each
        state         TEXT NOT NULL,
        directory     TEXT NOT NULL,                -- the folder it is downloaded into
        partial_path  TEXT,
        final_path    TEXT,
        peer          TEXT,                         -- "host:port" it was started from, if any
        sources       TEXT NOT NULL DEFAULT '[]',   -- JSON: known sources and their verified bytes
        error_code    TEXT,
        error_message TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        completed_at  INTEGER
      ) STRICT;
      CREATE INDEX downloads_by_file ON downloads (file_id);
    `,
  },
  {
    version: 4,
    name: 'tree-hash ids',
    // File ids became BitTorrent v2 pieces roots (merkle-tree.ts) and piece hashes a layer of that
    // tree. Every id and piece list before this is of the old kind, so:
    // - the library is re-hashed once: every location looks changed to the next rescan, which
    //   hashes it anew (progress shown as usual) and moves its tags to the new id (recordLocation);
    // - the index forgets what peers told it (they register again with their new ids);
    // - unfinished downloads cannot be found under their old ids: they are cancelled with a
    //   message saying why, and the manager deletes their partial files at start-up;
    // - files.sha256: the whole-content SHA-256, computed in the background while the node is
    //   idle (for Metalink clients and people checking with sha256sum), NULL until then.
    sql: `
      ALTER TABLE files ADD COLUMN sha256 TEXT;
      CREATE INDEX files_without_sha256 ON files(id) WHERE sha256 IS NULL;
      UPDATE locations SET mtime_ms = -1;

      DELETE FROM index_locations;
      DELETE FROM index_files;
      INSERT INTO index_fts(index_fts) VALUES ('delete-all');
      DELETE FROM index_peers;
      UPDATE index_totals SET files = 0, available = 0, available_bytes = 0;

      UPDATE downloads SET state = 'cancelled', piece_hashes = NULL, bitfield = NULL,
        error_code = 'FILE_ID_CHANGED',
        error_message = 'Shoal now identifies files by a hash tree, and this download was started under the old kind of id. Search for the file again and download it anew.'
        WHERE state NOT IN ('completed', 'cancelled');
    `,
  },
  {
    version: 5,
    name: 'index folders',
    // The folder a peer keeps a file in, inside its shared folder (issue 16): searchable context
    // ("daft punk" finds Music/Daft Punk/…/01.mp3) and what tells same-named files apart. Rows
    // from before have none until their peer registers again (every index start makes it).
    sql: `
      ALTER TABLE index_locations ADD COLUMN folder TEXT NOT NULL DEFAULT '';
      ALTER TABLE index_files ADD COLUMN folders TEXT NOT NULL DEFAULT '[]'; -- JSON: distinct folders (capped)
    `,
  },
  {
    version: 6,
    name: 'access control',
    // Issue 14. devices: the nodes this one has seen by their keys (downloads from it, its
    // registrations at this index, this node's downloads from it), and the user's block or trust.
    // root_access: shared folders (or files shared by hand) seen only by the listed devices; a
    // root with no row is shared with everyone.
    sql: `
      CREATE TABLE devices (
        node_id        TEXT PRIMARY KEY,
        name           TEXT,
        state          TEXT NOT NULL DEFAULT 'none' CHECK (state IN ('none', 'trusted', 'blocked')),
        first_seen     INTEGER NOT NULL,
        last_seen      INTEGER NOT NULL,
        last_address   TEXT,
        bytes_sent     INTEGER NOT NULL DEFAULT 0,
        bytes_received INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX devices_last_seen ON devices(last_seen);
      CREATE TABLE root_access (
        root     TEXT PRIMARY KEY,
        devices  TEXT NOT NULL DEFAULT '[]'   -- JSON array of node ids
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'index claims and reports',
    // Issue 14 (docs/security.md, "What the index believes"): per-address limits need where a peer
    // registered from; a reporter's weight needs its age; a file's size, type and name are each
    // source's claim (the file shows the majority's), and a report counts once. The index tables
    // are emptied: every peer registers again at the index's next start anyway.
    sql: `
      DELETE FROM index_locations;
      DELETE FROM index_files;
      INSERT INTO index_fts(index_fts) VALUES ('delete-all');
      DELETE FROM index_peers;
      UPDATE index_totals SET files = 0, available = 0, available_bytes = 0;

      ALTER TABLE index_peers ADD COLUMN source_address TEXT NOT NULL DEFAULT ''; -- the address its registration came from
      ALTER TABLE index_peers ADD COLUMN address_key TEXT NOT NULL DEFAULT '';    -- its claimed host, an IPv6 one by /64 (address-keys.ts)
      ALTER TABLE index_peers ADD COLUMN source_key TEXT NOT NULL DEFAULT '';     -- ... and the observed one
      ALTER TABLE index_peers ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;   -- epoch ms this identity was first registered (kept while known)
      CREATE INDEX index_peers_address_key ON index_peers(address_key);
      CREATE INDEX index_peers_source_key ON index_peers(source_key);

      -- What each source claims about a file besides the id (the id commits to the size, but the
      -- index cannot check it): the file row shows the claim most sources make.
      ALTER TABLE index_locations ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE index_locations ADD COLUMN mime TEXT NOT NULL DEFAULT '';
      ALTER TABLE index_locations ADD COLUMN category TEXT NOT NULL DEFAULT '';

      -- Transfer reports that counted (reputation.ts): one per (reporter, subject, file, download),
      -- and what each moved, so one reporter's effect on one subject stays bounded. Kept a day.
      CREATE TABLE index_reports (
        reporter    TEXT NOT NULL,
        subject     TEXT NOT NULL,
        file_id     TEXT NOT NULL,
        download_id TEXT NOT NULL,
        at          INTEGER NOT NULL,
        effect      REAL NOT NULL,                  -- the reputation change it made (signed)
        PRIMARY KEY (reporter, subject, file_id, download_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX index_reports_at ON index_reports(at);
    `,
  },
  {
    version: 8,
    name: 'columns nobody read',
    // Written on every registration, report or share, and never read (issue 12): a peer's
    // observed address (its key, source_key, is what the limits count), its transfer tallies
    // (reputation and failures_recent carry what the index uses of them), and when a path was
    // shared by hand.
    sql: `
      ALTER TABLE index_peers DROP COLUMN source_address;
      ALTER TABLE index_peers DROP COLUMN transfers_ok;
      ALTER TABLE index_peers DROP COLUMN transfers_failed;
      ALTER TABLE index_peers DROP COLUMN bytes_served;
      ALTER TABLE shared_paths DROP COLUMN added_at;
    `,
  },
  {
    version: 9,
    name: 'unshared stamps',
    // Sharing again what was unshared needs no hash when the file is unchanged (issue 16, item 15;
    // resume-unshared.ts): an unshared path keeps the content it held and the stamp it was hashed
    // with, and the content keeps its row here once it has left files (pieces, tags, SHA-256),
    // while an unshared path still names it. Paths unshared before this have no stamp: hashed.
    sql: `
      ALTER TABLE excluded_paths ADD COLUMN file_id TEXT;     -- NULL: the content is not known
      ALTER TABLE excluded_paths ADD COLUMN size INTEGER;
      ALTER TABLE excluded_paths ADD COLUMN mtime_ms REAL;
      ALTER TABLE excluded_paths ADD COLUMN inode INTEGER;
      CREATE INDEX excluded_paths_file_id ON excluded_paths(file_id) WHERE file_id IS NOT NULL;
      CREATE TABLE unshared_contents (
        id            TEXT PRIMARY KEY,
        size          INTEGER NOT NULL,
        piece_size    INTEGER NOT NULL,
        piece_hashes  BLOB NOT NULL,
        mime          TEXT NOT NULL,
        category      TEXT NOT NULL,
        user_tags     TEXT NOT NULL,
        sha256        TEXT
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'locations by inode',
    // A renamed file's new path may be looked at before its old path is seen gone (the watcher
    // settles each path on its own): the old location is found by its stamp (file-indexer.ts),
    // one lookup for each file looked at that is not known, so by an index.
    sql: `
      CREATE INDEX locations_inode ON locations(inode);
    `,
  },
  {
    version: 11,
    name: 'index peer counts',
    // The index's peers in all and online, kept by the store in the same transactions as the
    // files' totals: every registration asks whether there is room (super_peer.max_peers), and
    // counting 10,000 peer rows for it was ~0.8 ms of each.
    sql: `
      ALTER TABLE index_totals ADD COLUMN peers INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE index_totals ADD COLUMN peers_online INTEGER NOT NULL DEFAULT 0;
      UPDATE index_totals SET peers = (SELECT count(*) FROM index_peers),
        peers_online = (SELECT count(*) FROM index_peers WHERE status = 'online') WHERE id = 1;
    `,
  },
  {
    version: 12,
    name: 'index replicas',
    // Federation members copy each other's peers and file lists (federation/replica-puller.ts): a
    // peer row is this server's own (home '') or a replica of the member it registered with. Own
    // peers carry their place in this server's change feed (rev); a removed one leaves a removal
    // there, so a member pulling the feed forgets it too (store/replica-feed.ts).
    sql: `
      ALTER TABLE index_peers ADD COLUMN home TEXT NOT NULL DEFAULT '';       -- '': registered here; else the member's node id
      ALTER TABLE index_peers ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;      -- own peers: its latest change in the feed
      ALTER TABLE index_peers ADD COLUMN replica_gen INTEGER NOT NULL DEFAULT 0; -- replicas: the pull (full copy) that last wrote it
      CREATE INDEX index_peers_feed ON index_peers(home, rev);
      -- The sweeper's silent and long-offline peers are its own: replicas (all online, last written
      -- long ago) must not be in the range it reads every few seconds.
      DROP INDEX index_peers_status;
      CREATE INDEX index_peers_status ON index_peers(home, status, last_seen);
      CREATE TABLE index_peer_removals (
        peer_id TEXT PRIMARY KEY,
        rev     INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX index_peer_removals_rev ON index_peer_removals(rev);
    `,
  },
];

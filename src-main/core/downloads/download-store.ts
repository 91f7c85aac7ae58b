// The downloads table (migration 3): what the manager needs to go on after a restart.
import type { DownloadState } from '../../../src-shared/api/transfers.js';
import { downloadErrorCodeSchema, type DownloadErrorCode } from '../../../src-shared/errors.js';
import type { Db } from '../store/database.js';

export interface StoredSource {
  url: string;
  peerId: string | null;
  name: string | null;
  bytes: number;
  /** Reported to the index (verified or corrupt): never again for this download. */
  reported?: boolean;
}

export interface DownloadRecord {
  id: string;
  fileId: string;
  name: string;
  size: number | null;
  pieceSize: number | null;
  pieceHashes: Buffer | null;
  bitfield: Buffer | null;
  state: DownloadState;
  directory: string;
  partialPath: string | null;
  finalPath: string | null;
  peer: string | null;
  sources: StoredSource[];
  error: { code: DownloadErrorCode; message: string } | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

interface Row {
  id: string;
  file_id: string;
  name: string;
  size: number | null;
  piece_size: number | null;
  piece_hashes: Buffer | null;
  bitfield: Buffer | null;
  state: string;
  directory: string;
  partial_path: string | null;
  final_path: string | null;
  peer: string | null;
  sources: string;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export class DownloadStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      all: db.prepare<[], Row>('SELECT * FROM downloads ORDER BY created_at DESC, rowid DESC'),
      upsert: db.prepare(`
        INSERT INTO downloads (id, file_id, name, size, piece_size, piece_hashes, bitfield, state, directory, partial_path,
          final_path, peer, sources, error_code, error_message, created_at, updated_at, completed_at)
        VALUES (@id, @file_id, @name, @size, @piece_size, @piece_hashes, @bitfield, @state, @directory, @partial_path,
          @final_path, @peer, @sources, @error_code, @error_message, @created_at, @updated_at, @completed_at)
        ON CONFLICT(id) DO UPDATE SET name = excluded.name, size = excluded.size, piece_size = excluded.piece_size,
          piece_hashes = excluded.piece_hashes, bitfield = excluded.bitfield, state = excluded.state,
          partial_path = excluded.partial_path, final_path = excluded.final_path, sources = excluded.sources,
          error_code = excluded.error_code, error_message = excluded.error_message, updated_at = excluded.updated_at,
          completed_at = excluded.completed_at`),
      remove: db.prepare<[string]>('DELETE FROM downloads WHERE id = ?'),
    };
  }

  all(): DownloadRecord[] {
    return this.s.all.all().map(fromRow);
  }

  save(r: DownloadRecord): void {
    this.s.upsert.run({
      id: r.id, file_id: r.fileId, name: r.name, size: r.size, piece_size: r.pieceSize, piece_hashes: r.pieceHashes,
      bitfield: r.bitfield, state: r.state, directory: r.directory, partial_path: r.partialPath, final_path: r.finalPath,
      peer: r.peer, sources: JSON.stringify(r.sources), error_code: r.error?.code ?? null, error_message: r.error?.message ?? null,
      created_at: r.createdAt, updated_at: Date.now(), completed_at: r.completedAt,
    });
  }

  remove(id: string): void {
    this.s.remove.run(id);
  }
}

// A code this release does not know (written by a newer one, before a downgrade) reads as the
// catch-all, keeping its message, rather than stopping the node from starting.
const storedErrorCode = downloadErrorCodeSchema.catch('WRITE_FAILED');

function fromRow(row: Row): DownloadRecord {
  return {
    id: row.id, fileId: row.file_id, name: row.name, size: row.size, pieceSize: row.piece_size, pieceHashes: row.piece_hashes,
    bitfield: row.bitfield, state: row.state as DownloadState, directory: row.directory, partialPath: row.partial_path,
    finalPath: row.final_path, peer: row.peer, sources: JSON.parse(row.sources) as StoredSource[],
    error: row.error_code ? { code: storedErrorCode.parse(row.error_code), message: row.error_message ?? '' } : null,
    createdAt: row.created_at, updatedAt: row.updated_at, completedAt: row.completed_at,
  };
}

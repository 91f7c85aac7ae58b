// Search results as the API answers them: a page's files and their online sources, best first
// (source-ranking.ts), read in two batched statements instead of two per result.
import type { SearchResult } from '../../../../src-shared/api/index-routes.js';
import { rankSources, sourceScoreSql } from '../source-ranking.js';
import { fileKey } from './fts-tokens.js';
import { fileRow, rankedSourceRow, SUMMARY_COLUMNS, sourceRow, summaryRow, toSource, type IndexSource, type RankedSource } from './index-rows.js';
import type { TypedSql } from './typed-sql.js';

/** Online sources listed per search result (the redirect considers them all). */
export const SOURCES_PER_RESULT = 20;
/** A search result's sources are the best of at most this many online ones (popular files have thousands). */
const SOURCE_SAMPLE = 256;

export class SearchResults {
  private readonly s;

  constructor(sql: TypedSql) {
    const score = sourceScoreSql('p');
    this.s = {
      fileByFileId: sql.select<[number, string], typeof summaryRow>(summaryRow, `SELECT ${SUMMARY_COLUMNS} FROM index_files WHERE file_key = ? AND file_id = ?`),
      filesIn: sql.select<[string], typeof fileRow>(fileRow, `SELECT fid, file_id, size, mime, category, piece_size, first_seen, online_sources, names, tags, folders
        FROM index_files WHERE fid IN (SELECT value FROM json_each(?))`),
      resultSources: sql.select<{ fid: number; size: number }, typeof sourceRow>(sourceRow, `SELECT peer_id, name, address, port, reputation, active_uploads, free_upload_slots FROM (
          SELECT p.id, p.peer_id, p.name, p.address, p.port, p.reputation, p.active_uploads, p.free_upload_slots, ${score} AS score
          FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = @fid AND l.size = @size AND p.status = 'online' LIMIT ${SOURCE_SAMPLE}
        ) ORDER BY score DESC, id LIMIT ${SOURCES_PER_RESULT}`),
      sourcesIn: sql.select<[string], typeof rankedSourceRow>(rankedSourceRow, `SELECT l.fid, p.id AS "order", p.peer_id, p.name, p.address, p.port, p.reputation,
          p.active_uploads, p.free_upload_slots, p.active_uploads AS activeUploads, p.free_upload_slots AS freeUploadSlots,
          p.failures_recent AS failuresRecent
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer
        WHERE l.fid IN (SELECT value FROM json_each(?)) AND p.status = 'online'
          AND l.size = (SELECT f.size FROM index_files f WHERE f.fid = l.fid)`),
      allSources: sql.select<{ fid: number; size: number; limit: number; offset: number }, typeof sourceRow>(sourceRow,
        `SELECT p.peer_id, p.name, p.address, p.port, p.reputation, p.active_uploads, p.free_upload_slots
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = @fid AND l.size = @size AND p.status = 'online'
        ORDER BY ${score} DESC, p.id LIMIT @limit OFFSET @offset`),
    };
  }

  /** A file's online sources, best first (source-ranking.ts); all of them are considered. */
  sourcesOf(fileId: string, limit = SOURCES_PER_RESULT, offset = 0): IndexSource[] {
    const file = this.s.fileByFileId.get(fileKey(fileId), fileId);
    if (!file) return [];
    return this.s.allSources.all({ fid: file.fid, size: file.size, limit, offset }).map(toSource(fileId));
  }

  /** The results of a page, in order: two batched reads (files, their online sources) instead of two per result. */
  resultsOf(fids: readonly number[]): SearchResult[] {
    if (fids.length === 0) return [];
    const list = JSON.stringify(fids);
    const files = new Map(this.s.filesIn.all(list).map((f) => [f.fid, f]));
    const sources = new Map<number, RankedSource[]>();
    // Files with a huge number of sources get the best of a sample, one by one (see SOURCE_SAMPLE).
    const crowded = fids.filter((fid) => (files.get(fid)?.online_sources ?? 0) > SOURCE_SAMPLE);
    for (const row of this.s.sourcesIn.all(JSON.stringify(fids.filter((fid) => !crowded.includes(fid))))) {
      const list = sources.get(row.fid);
      if (list) list.push(row);
      else sources.set(row.fid, [row]);
    }
    const results: SearchResult[] = [];
    for (const fid of fids) {
      const f = files.get(fid);
      if (!f) continue;
      const names = JSON.parse(f.names) as string[];
      const best = crowded.includes(fid) ? this.s.resultSources.all({ fid, size: f.size }) : rankSources(sources.get(fid) ?? []).slice(0, SOURCES_PER_RESULT);
      results.push({
        id: f.file_id, name: names[0] ?? f.file_id, names, folders: JSON.parse(f.folders) as string[], size: f.size, mime: f.mime, category: f.category,
        tags: JSON.parse(f.tags) as string[], pieceSize: f.piece_size, sourceCount: f.online_sources,
        sources: best.map(toSource(f.file_id)), firstSeen: new Date(f.first_seen).toISOString(),
      });
    }
    return results;
  }
}

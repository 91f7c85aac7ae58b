// `shoal search WORDS`: asks an index server and prints the results as a table.
import { searchResponseSchema } from '../../src-shared/api/index-routes.js';
import type { Category } from '../../src-shared/api/common.js';
import { firstAnswer, type NodeLink } from '../core/net/get-json.js';
import { renderSearchTable } from './search-table.js';

export interface SearchOptions {
  words: string[];
  category?: Category | undefined;
  ext?: string | undefined;
  minSize?: number | undefined;
  maxSize?: number | undefined;
  limit: number;
  json: boolean;
  /** The terminal's width: the table is cut to fit it. */
  columns: number;
}

export interface SearchOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Returns the exit code: 0 with results or none, 1 when no index server answered. */
export async function runSearch(indexes: readonly string[], o: SearchOptions, out: SearchOutput, link?: NodeLink): Promise<number> {
  if (indexes.length === 0) {
    out.stderr.write('shoal: no index server known. Give one with --index HOST:PORT, or set peer.super_peer_address.\n');
    return 1;
  }
  const query = new URLSearchParams({ q: o.words.join(' '), pageSize: String(o.limit) });
  if (o.category) query.set('category', o.category);
  if (o.ext) query.set('ext', o.ext);
  if (o.minSize !== undefined) query.set('minSize', String(o.minSize));
  if (o.maxSize !== undefined) query.set('maxSize', String(o.maxSize));
  const answer = await firstAnswer(indexes, `/api/v1/files/search?${query}`, searchResponseSchema, 10_000, link);
  if (!answer.ok) {
    out.stderr.write(`shoal: no index server answered: ${answer.reasons.join('; ')}\n`);
    return 1;
  }
  out.stdout.write(o.json ? `${JSON.stringify(answer.value.items)}\n` : renderSearchTable(answer.value, o.columns));
  return 0;
}

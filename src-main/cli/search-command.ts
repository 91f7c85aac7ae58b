// `shoal search WORDS`: asks an index server and prints the results as a table.
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import type { Category } from '../../src-shared/api/common.js';
import { firstAnswer, nodeApiClient } from '../core/net/contract-transport.js';
import type { NodeDialer } from '../core/net/node-dialer.js';
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

/** Returns the exit code: 0 with results or none, 1 when no index server answered. `dialer`: TLS to each index (pinned on first use); none, plain HTTP. */
export async function runSearch(indexes: readonly string[], o: SearchOptions, out: SearchOutput, dialer?: NodeDialer): Promise<number> {
  if (indexes.length === 0) {
    out.stderr.write('shoal: no index server known. Give one with --index HOST:PORT, or set peer.super_peer_address.\n');
    return 1;
  }
  const query = { q: o.words.join(' '), pageSize: o.limit, category: o.category, ext: o.ext, minSize: o.minSize, maxSize: o.maxSize };
  const api = nodeApiClient(indexRoutes, dialer);
  const answer = await firstAnswer(indexes, (address) => api.search({ query }, { address, expected: 'pinned', timeoutMs: 10_000 }));
  if (!answer.ok) {
    out.stderr.write(`shoal: no index server answered: ${answer.reasons.join('; ')}\n`);
    return 1;
  }
  out.stdout.write(o.json ? `${JSON.stringify(answer.value.items)}\n` : renderSearchTable(answer.value, o.columns));
  return 0;
}

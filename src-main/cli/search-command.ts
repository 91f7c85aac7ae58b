// `shoal search WORDS`: asks an index server and prints the results as a table.
import Table from 'cli-table3';
import { searchResponseSchema, type SearchResponse } from '../../src-shared/api/index-routes.js';
import type { Category } from '../../src-shared/api/common.js';
import { formatBytes } from '../../src-shared/format-bytes.js';
import { firstAnswer } from '../core/net/get-json.js';

export interface SearchOptions {
  words: string[];
  category?: Category;
  limit: number;
  json: boolean;
}

export interface SearchOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Returns the exit code: 0 with results or none, 1 when no index server answered. */
export async function runSearch(indexes: readonly string[], o: SearchOptions, out: SearchOutput): Promise<number> {
  if (indexes.length === 0) {
    out.stderr.write('shoal: no index server known. Give one with --index HOST:PORT, or set peer.super_peer_address.\n');
    return 1;
  }
  const query = new URLSearchParams({ q: o.words.join(' '), pageSize: String(o.limit) });
  if (o.category) query.set('category', o.category);
  const answer = await firstAnswer(indexes, `/api/v1/files/search?${query}`, searchResponseSchema, 10_000);
  if (!answer.ok) {
    out.stderr.write(`shoal: no index server answered: ${answer.reasons.join('; ')}\n`);
    return 1;
  }
  out.stdout.write(o.json ? `${JSON.stringify(answer.value.items)}\n` : renderTable(answer.value));
  return 0;
}

function renderTable(result: SearchResponse): string {
  if (result.items.length === 0) return 'No files found.\n';
  const table = new Table({ head: ['Name', 'Size', 'Type', 'Sources', 'File id'], style: { head: [], border: [] } });
  for (const item of result.items) table.push([item.name, formatBytes(item.size), item.category, String(item.sourceCount), item.id]);
  const more = result.total > result.items.length ? `\n${result.total} matches; showing ${result.items.length}.` : '';
  return `${table.toString()}${more}\nDownload one with: shoal get <file id>\n`;
}

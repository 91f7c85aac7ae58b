// `shoal get` takes a whole file id or a unique prefix of one (the search table shows 16 digits).
// A prefix is looked up on the index servers (`GET /api/v1/files?idPrefix=`): one match is the
// id, none or several is a clear error naming the candidates.
import { z } from 'zod';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { ShoalError } from '../../src-shared/errors.js';
import { formatBytes } from '../../src-shared/format-bytes.js';
import { firstAnswer, nodeApiClient } from '../core/net/contract-transport.js';
import type { NodeDialer } from '../core/net/node-dialer.js';

/** What `shoal get` accepts: 4 to 64 lowercase hex digits (upper case is folded). */
export const fileIdOrPrefixSchema = z.string().trim().toLowerCase()
  .regex(/^[0-9a-f]{4,64}$/, 'expected a file id: 64 lowercase hex digits, or a unique prefix of at least 4');

const CANDIDATES_SHOWN = 10;

/** `dialer`: how to reach the index servers (made only when a prefix has to be looked up; none, plain HTTP). */
export async function resolveFileId(idOrPrefix: string, indexes: readonly string[], dialer?: () => Promise<NodeDialer | undefined>): Promise<string> {
  if (idOrPrefix.length === 64) return idOrPrefix;
  if (indexes.length === 0) throw new ShoalError('INVALID_FILE_ID', 'A short file id needs an index server to look it up (--index HOST:PORT); give the whole id to fetch from --peer alone.');
  const api = nodeApiClient(indexRoutes, await dialer?.());
  const query = { idPrefix: idOrPrefix, pageSize: CANDIDATES_SHOWN };
  const answer = await firstAnswer(indexes, (address) => api.listFiles({ query }, { address, expected: 'pinned', timeoutMs: 10_000 }));
  if (!answer.ok) throw new ShoalError('FILE_NOT_FOUND', `Could not look up the id ${idOrPrefix}: ${answer.reasons.join('; ')}`);
  const { items, total } = answer.value;
  if (items.length === 0) throw new ShoalError('FILE_NOT_FOUND', `No file id known to the index starts with ${idOrPrefix}.`);
  if (total === 1 && items[0]) return items[0].id;
  const list = items.map((f) => `  ${f.id}  ${formatBytes(f.size)}  ${f.name}`).join('\n');
  throw new ShoalError('AMBIGUOUS_FILE_ID', `${total} file ids start with ${idOrPrefix}; give more of the id:\n${list}${total > items.length ? '\n  \u2026' : ''}`);
}

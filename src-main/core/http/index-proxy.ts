// The UI asks the network through its own node, which knows the index servers (configured,
// discovered on the LAN, itself): the first that answers wins, as `shoal search` does. A browser
// never has to reach an index server itself.
import type { z } from 'zod';
import {
  searchResponseSchema, searchResultSchema, topologySchema, type SearchQuery, type SearchResponse, type SearchResult, type Topology,
} from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { firstAnswer, getJson } from '../net/get-json.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { topologyUnion } from './topology-union.js';

const TIMEOUT_MS = 5_000;

// `dialer`: with encryption on, index servers are asked over TLS, pinned on first use.
async function askIndexes<S extends z.ZodType>(addresses: readonly string[], pathAndQuery: string, schema: S, dialer?: NodeDialer): Promise<z.output<S>> {
  if (addresses.length === 0) {
    throw new ShoalError('SERVICE_UNAVAILABLE', 'No index server is known yet. Give one with --index-server, or turn on "Run as index server" in Settings.');
  }
  const answer = await firstAnswer(addresses, pathAndQuery, schema, TIMEOUT_MS, dialer && { dialer, expected: 'pinned' });
  if (answer.ok) return answer.value;
  throw new ShoalError('SERVICE_UNAVAILABLE', `No index server answered: ${answer.reasons.join('; ')}`);
}

export function searchNetwork(addresses: readonly string[], query: SearchQuery, dialer?: NodeDialer): Promise<SearchResponse> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return askIndexes(addresses, `/api/v1/files/search?${params}`, searchResponseSchema, dialer).catch((err: unknown) => {
    // Where a user looks when nothing answers: what still works without an index server.
    if (err instanceof ShoalError && err.code === 'SERVICE_UNAVAILABLE') throw new ShoalError(err.code, `${err.message} ${WORDS_NEED_AN_INDEX}`);
    throw err;
  });
}

const WORDS_NEED_AN_INDEX = 'Searching by words needs an index server; a file id or a shoal:// link pasted here still finds its sources without one when Settings \u2192 "Find and offer sources without an index server" is on.';

/** `own`: this node's own index while its role is on; its graph joins the network's (topology-union.ts). */
export async function networkTopology(addresses: readonly string[], dialer?: NodeDialer, own?: string | null): Promise<Topology> {
  const others = addresses.filter((a) => a !== own);
  if (!own || others.length === 0) return askIndexes(addresses, '/api/v1/topology', topologySchema, dialer);
  const [mine, network] = await Promise.allSettled([
    askIndexes([own], '/api/v1/topology', topologySchema, dialer),
    askIndexes(others, '/api/v1/topology', topologySchema, dialer),
  ]);
  const graphs = [mine, network].flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
  if (graphs.length === 0) throw (network as PromiseRejectedResult).reason;
  return topologyUnion(graphs);
}

/**
 * One file by id from the first index server that knows it; undefined when every one that
 * answered said 404 (or none is known). An index that fails otherwise is skipped; if all fail so,
 * the error says why.
 */
export async function networkFile(addresses: readonly string[], fileId: string, dialer?: NodeDialer): Promise<SearchResult | undefined> {
  const reasons: string[] = [];
  for (const address of addresses) {
    const answer = await getJson(`http://${address}/api/v1/files/${fileId}`, searchResultSchema, TIMEOUT_MS, undefined, undefined, dialer && { dialer, expected: 'pinned' });
    if (answer.ok) return answer.value;
    if (answer.status !== 404) reasons.push(answer.reason);
  }
  if (reasons.length > 0 && reasons.length === addresses.length) throw new ShoalError('SERVICE_UNAVAILABLE', `No index server answered: ${reasons.join('; ')}`);
  return undefined;
}

// The UI asks the network through its own node, which knows the index servers (configured,
// discovered on the LAN, itself): the first that answers wins, as `shoal search` does. A browser
// never has to reach an index server itself.
import { indexRoutes, type SearchQuery, type SearchResponse, type SearchResult, type Topology } from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { attempt, firstAnswer, nodeApiClient, sentQuery, type NodeApiOf, type NodeCallOptions } from '../net/contract-transport.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { topologyUnion } from './topology-union.js';

const TIMEOUT_MS = 5_000;

type IndexApi = NodeApiOf<typeof indexRoutes>;

/** With encryption on (`dialer`), index servers are asked over TLS, pinned on first use. */
function indexApi(dialer: NodeDialer | undefined): { api: IndexApi; at: (address: string) => NodeCallOptions } {
  return { api: nodeApiClient(indexRoutes, dialer), at: (address) => ({ address, expected: 'pinned', timeoutMs: TIMEOUT_MS }) };
}

async function askIndexes<T>(addresses: readonly string[], ask: (address: string) => Promise<T>): Promise<T> {
  if (addresses.length === 0) {
    throw new ShoalError('SERVICE_UNAVAILABLE', 'No index server is known yet. Give one with --index-server, or turn on "Run as index server" in Settings.');
  }
  const answer = await firstAnswer(addresses, ask);
  if (answer.ok) return answer.value;
  throw new ShoalError('SERVICE_UNAVAILABLE', `No index server answered: ${answer.reasons.join('; ')}`);
}

export function searchNetwork(addresses: readonly string[], query: SearchQuery, dialer?: NodeDialer): Promise<SearchResponse> {
  const { api, at } = indexApi(dialer);
  return askIndexes(addresses, (address) => api.search({ query: sentQuery(query) }, at(address))).catch((err: unknown) => {
    // Where a user looks when nothing answers: what still works without an index server.
    if (err instanceof ShoalError && err.code === 'SERVICE_UNAVAILABLE') throw new ShoalError(err.code, `${err.message} ${WORDS_NEED_AN_INDEX}`);
    throw err;
  });
}

const WORDS_NEED_AN_INDEX = 'Searching by words needs an index server; a file id or a shoal:// link pasted here still finds its sources without one when Settings \u2192 "Find and offer sources without an index server" is on.';

/** `own`: this node's own index while its role is on; its graph joins the network's (topology-union.ts). */
export async function networkTopology(addresses: readonly string[], dialer?: NodeDialer, own?: string | null): Promise<Topology> {
  const { api, at } = indexApi(dialer);
  const graph = (address: string) => api.topology(undefined, at(address));
  const others = addresses.filter((a) => a !== own);
  if (!own || others.length === 0) return askIndexes(addresses, graph);
  const [mine, network] = await Promise.allSettled([askIndexes([own], graph), askIndexes(others, graph)]);
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
  const { api, at } = indexApi(dialer);
  const reasons: string[] = [];
  for (const address of addresses) {
    const answer = await attempt(api.getFile({ params: { fileId } }, at(address)));
    if (answer.ok) return answer.value;
    if (answer.error.status !== 404) reasons.push(answer.error.message);
  }
  if (reasons.length > 0 && reasons.length === addresses.length) throw new ShoalError('SERVICE_UNAVAILABLE', `No index server answered: ${reasons.join('; ')}`);
  return undefined;
}

// GET /api/v1/network/search: the UI searches the network through its own node, which knows the
// index servers (configured, discovered on the LAN, itself). The first that answers wins, as
// `shoal search` does; a browser never has to reach an index server itself.
import { searchResponseSchema, type SearchQuery, type SearchResponse } from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { getJson } from '../downloads/get-json.js';

const TIMEOUT_MS = 5_000;

export async function searchNetwork(indexAddresses: readonly string[], query: SearchQuery): Promise<SearchResponse> {
  if (indexAddresses.length === 0) {
    throw new ShoalError('SERVICE_UNAVAILABLE', 'No index server is known yet. Add one in Settings, or turn on "Run as index server".');
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const problems: string[] = [];
  for (const address of indexAddresses) {
    const answer = await getJson(`http://${address}/api/v1/files/search?${params}`, searchResponseSchema, TIMEOUT_MS);
    if (answer.ok) return answer.value;
    problems.push(answer.reason);
  }
  throw new ShoalError('SERVICE_UNAVAILABLE', `No index server answered: ${problems.join('; ')}`);
}

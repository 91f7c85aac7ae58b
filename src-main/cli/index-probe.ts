// Tells a peer's port from an index server's: only a peer answers /api/v1/info. Asked when the
// user names an --index, so a peer's port gets "that is a peer" instead of a bare 404 later.
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { errorCatalogue } from '../../src-shared/errors.js';
import { attempt, nodeApiClient } from '../core/net/contract-transport.js';
import type { NodeDialer } from '../core/net/node-dialer.js';

const PROBE_TIMEOUT_MS = 3_000;

/**
 * A sentence saying the address is a peer (and where its index is, if it runs one), or undefined.
 * `dialer`: the terminal's TLS identity, so a peer that refuses plain HTTP is still recognised; none, plain HTTP.
 */
export async function notAnIndexServer(address: string, dialer?: NodeDialer): Promise<string | undefined> {
  const info = await attempt(nodeApiClient(peerRoutes, dialer).getInfo(undefined, { address, expected: 'any', timeoutMs: PROBE_TIMEOUT_MS }));
  if (!info.ok) return undefined;
  const elsewhere = info.value.indexPort === null
    ? 'it does not run an index server'
    : `its index server is on port ${info.value.indexPort}`;
  const sentence = errorCatalogue.NOT_AN_INDEX_SERVER.message;
  return `${address}: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1, -1)}; ${elsewhere}.`;
}

// The index API as a peer calls it: the contract client over this node's dialer (TLS to the id
// the index proved on first use, never plain, when encryption is on). Failures are NodeCallError
// with the HTTP status and catalogue code; an answer of another shape says the address is no index.
import { indexRoutes, type RegisterRequest, type RegisterResponse } from '../../../src-shared/api/index-routes.js';
import type { CallInput, CallOutput } from '../../../src-shared/api/contract-client.js';
import { nodeApiClient, NodeCallError, type NodeCallOptions } from '../net/contract-transport.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { shortNodeId } from '../../../src-shared/node-id.js';

export interface CallOptions {
  timeoutMs?: number;
  /** Cancels the call (the client is stopping). */
  signal?: AbortSignal;
  /** This node's dialer: with encryption on, TLS to the id the index proved on first use (never plain). */
  dialer?: NodeDialer | undefined;
}

type IndexRoutes = typeof indexRoutes;
type IndexRoute = 'challenge' | 'register' | 'heartbeat' | 'registerFiles' | 'unregister' | 'reportTransfer' | 'stats';

/** One call to the index at `address`; `proof` is filled with the node id it proved over TLS. */
async function call<K extends IndexRoute>(
  route: K, address: string, input: CallInput<IndexRoutes[K]>, o: CallOptions, extra: Pick<NodeCallOptions, 'token' | 'proof'> = {},
): Promise<CallOutput<IndexRoutes[K]>> {
  const api = nodeApiClient(indexRoutes, o.dialer);
  const send = api[route] as (input: CallInput<IndexRoutes[K]>, options: NodeCallOptions) => Promise<CallOutput<IndexRoutes[K]>>;
  try {
    return await send(input, { address, expected: 'pinned', timeoutMs: o.timeoutMs, signal: o.signal, ...extra });
  } catch (err) {
    // An answer that is not the index API's: whatever listens there, it is no index server.
    if (err instanceof NodeCallError && err.code === 'UNEXPECTED_ANSWER') {
      throw new NodeCallError(0, err.code, `${address} is not a Shoal index server (${err.message})`);
    }
    throw err;
  }
}

/** The challenge, from an index whose TLS key is the index id it gives (a relay cannot pass another index's id off as its own). */
async function challenge(address: string, o: CallOptions) {
  const proof: { nodeId?: string | undefined } = {};
  const value = await call('challenge', address, {}, o, { proof });
  const nodeId = proof.nodeId;
  if (nodeId !== undefined && value.indexId !== nodeId) {
    throw new NodeCallError(0, 'PEER_IDENTITY_MISMATCH', `${address} says it is index ${shortNodeId(value.indexId)} but its TLS key is ${shortNodeId(nodeId)}: refusing it`);
  }
  challenged.set(value.challenge, value.indexId);
  for (const old of challenged.keys()) {
    if (challenged.size <= MAX_CHALLENGES_HELD) break;
    challenged.delete(old);
  }
  return value;
}

/** Challenges fetched lately (challenge → the index id given with it, checked against TLS), oldest first. */
const challenged = new Map<string, string>();
const MAX_CHALLENGES_HELD = 256;

/**
 * A registration: the session must be with the index that gave the challenge (the id checked
 * against its TLS key), and over TLS with the index whose key answered.
 */
async function register(address: string, body: RegisterRequest, o: CallOptions): Promise<RegisterResponse> {
  const expected = challenged.get(body.challenge);
  challenged.delete(body.challenge);
  const proof: { nodeId?: string | undefined } = {};
  const value = await call('register', address, { body }, o, { proof });
  const nodeId = proof.nodeId;
  const mismatch = expected !== undefined && value.indexId !== expected ? `the challenge came from index ${shortNodeId(expected)}`
    : nodeId !== undefined && value.indexId !== nodeId ? `its TLS key is ${shortNodeId(nodeId)}` : undefined;
  if (mismatch) throw new NodeCallError(0, 'PEER_IDENTITY_MISMATCH', `${address} registered this node as index ${shortNodeId(value.indexId)} but ${mismatch}: refusing it`);
  return value;
}

export const indexApi = {
  challenge: (address: string, o: CallOptions = {}) => challenge(address, o),
  register: (address: string, body: RegisterRequest, o: CallOptions = {}): Promise<RegisterResponse> => register(address, body, o),
  heartbeat: (address: string, token: string, body: CallInput<IndexRoutes['heartbeat']>['body'], o: CallOptions = {}) =>
    call('heartbeat', address, { body }, o, { token }),
  updateFiles: (address: string, token: string, body: CallInput<IndexRoutes['registerFiles']>['body'], o: CallOptions = {}) =>
    call('registerFiles', address, { body }, o, { token }),
  unregister: (address: string, token: string, peerId: string, o: CallOptions = {}) =>
    call('unregister', address, { body: { peerId } }, o, { token }),
  reportTransfer: (address: string, token: string, body: CallInput<IndexRoutes['reportTransfer']>['body'], o: CallOptions = {}) =>
    call('reportTransfer', address, { body }, o, { token }),
  /** Whether an index answers at all (used to come back to a preferred index server). */
  probe: (address: string, o: CallOptions = {}) => call('stats', address, {}, o),
};

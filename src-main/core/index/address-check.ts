// Before an index lists a peer as a source it calls the claimed address back: the node there must
// answer /api/v1/info with the registering node's id and a signature over a fresh challenge.
// So nobody can point downloaders at someone else's machine, and a peer learns at once when the
// index server can't reach it (a closed port, a wrong address) instead of being listed in vain.
import { randomBytes } from 'node:crypto';
import { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import { attempt, nodeApiClient } from '../net/contract-transport.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { hostForUrl } from '../net/host-for-url.js';
import { signedBy, statement } from '../identity/signed-statement.js';

/** An answer to the call-back this late is no answer: the registration waits on it. */
export const ADDRESS_CHECK_TIMEOUT_MS = 4_000;

export type AddressCheck = { ok: true } | { ok: false; reason: string };

export type AddressChecker = (peerId: string, host: string, port: number) => Promise<AddressCheck>;

/**
 * With encryption on (`dialer`), the call-back runs over TLS to the registering node's id: a node
 * that cannot prove its key in the handshake is not listed, whatever it answers.
 */
export const addressCallBack = (dialer?: NodeDialer): AddressChecker => {
  const api = nodeApiClient(peerRoutes, dialer);
  return async (peerId, host, port) => {
    const challenge = randomBytes(18).toString('base64url');
    const where = `${hostForUrl(host)}:${port}`;
    const answer = await attempt(api.getInfo({ query: { challenge } }, { address: where, expected: { node: peerId }, timeoutMs: ADDRESS_CHECK_TIMEOUT_MS, maxBytes: 64 * 1024 }));
    if (!answer.ok && answer.error.presented) return { ok: false, reason: `${where} is another node (${shortNodeId(answer.error.presented)}), not this one (its TLS key says so)` };
    if (!answer.ok) return { ok: false, reason: `the index server could not reach this node at ${where} (${answer.error.message})` };
    const { id, proof } = answer.value;
    if (id !== peerId) return { ok: false, reason: `${where} is another node (${shortNodeId(id)}), not this one` };
    if (!proof || !signedBy(peerId, statement('address', [challenge]), proof)) {
      return { ok: false, reason: `the node at ${where} did not prove it holds this node's key` };
    }
    return { ok: true };
  };
};

/** The call-back in plain HTTP (encryption off). */
export const callBackAddress: AddressChecker = addressCallBack();

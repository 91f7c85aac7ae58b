// What nodes sign, and the check. Each statement starts with its purpose and the protocol
// version, and lists its fields one per line, so a signature made for one purpose can never be
// replayed as another (a registration is not an address proof) nor across protocol versions.
import { createPublicKey, verify } from 'node:crypto';
import { publicKeyOfNodeId } from '../../../src-shared/node-id.js';
import { PROTOCOL_VERSION } from '../../../src-shared/api/protocol.js';

export type StatementPurpose = 'register' | 'address' | 'report' | 'reached';

export function statement(purpose: StatementPurpose, fields: readonly (string | number)[]): string {
  for (const field of fields) {
    if (String(field).includes('\n')) throw new Error('a signed field cannot contain a line break');
  }
  return [`shoal/${PROTOCOL_VERSION}/${purpose}`, ...fields].join('\n');
}

/** True when `signature` (base64url) is `nodeId`'s key signing exactly `text`. Never throws. */
export function signedBy(nodeId: string, text: string, signature: string): boolean {
  const raw = publicKeyOfNodeId(nodeId);
  if (!raw || signature.length > 200) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
    return verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** What a peer signs to register: this index, its challenge, who, and where it says it is. */
export function registrationStatement(r: { indexId: string; challenge: string; peerId: string; address?: string | undefined; port: number }): string {
  return statement('register', [r.indexId, r.challenge, r.peerId, r.address ?? '', r.port]);
}

/** What an index server signs when it reached a node at an address (an address receipt). */
export function receiptStatement(r: { indexId: string; peerId: string; address: string; port: number; at: number }): string {
  return statement('reached', [r.indexId, r.peerId, r.address, r.port, r.at]);
}

// The node's TLS certificate: self-signed, made from the node key at every start (a millisecond;
// nothing to keep or renew). Nobody checks who signed it or when it expires: what a peer checks is
// its Ed25519 public key, which is the node id (tls-peer-id.ts). @peculiar/x509 builds it from
// Node's WebCrypto keys; it needs a Reflect polyfill (its dependency injection), hence the import.
import 'reflect-metadata';
import { X509CertificateGenerator } from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import type { NodeKey } from './node-key.js';

const ED25519 = { name: 'Ed25519' };
const DAY_MS = 86_400_000;

/** A PEM certificate for `key`, valid (for whoever looks) from yesterday for 20 years. */
export async function makeNodeCertificate(key: NodeKey): Promise<string> {
  const crypto = webcrypto as unknown as Parameters<typeof X509CertificateGenerator.createSelfSigned>[1] & typeof webcrypto;
  const subtle = crypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', key.privateKey.export({ format: 'der', type: 'pkcs8' }), ED25519, false, ['sign']);
  const publicKey = await subtle.importKey('spki', key.publicKey.export({ format: 'der', type: 'spki' }), ED25519, true, ['verify']);
  const now = Date.now();
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'), // positive
    name: `CN=shoal-${key.id.slice(0, 7)}`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 20 * 365 * DAY_MS),
    keys: { privateKey, publicKey },
    signingAlgorithm: ED25519,
  }, crypto);
  return certificate.toString('pem');
}

// Who is at the other end of a TLS connection, as a node id. The certificate is self-signed and
// nobody vouches for it: what counts is its Ed25519 public key, which the TLS 1.3 handshake
// proved the other side holds (CertificateVerify). So the key is the identity, as in Syncthing.
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { nodeIdFromPublicKey } from '../../../src-shared/node-id.js';
import { rawPublicKey } from './node-key.js';

const known = new WeakMap<TLSSocket, string | null>();

/** The node id the other side of `socket` proved, or undefined (plain TCP, no or another kind of certificate). */
export function tlsPeerNodeId(socket: Socket): string | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  let id = known.get(socket);
  if (id === undefined) {
    id = null;
    const cert = socket.getPeerX509Certificate();
    if (cert && cert.publicKey.asymmetricKeyType === 'ed25519') id = nodeIdFromPublicKey(rawPublicKey(cert.publicKey));
    if (cert) known.set(socket, id); // before the handshake there is no certificate yet: ask again later
  }
  return id ?? undefined;
}

// TLS between Shoal nodes: TLS 1.3 only, each side presenting its node certificate
// (identity/node-certificate.ts), and each side checking the other's public key, never a CA. A
// client names the node it expects (the source's peerId, an index's pinned id); a server learns
// who its client is (tlsPeerNodeId). Nothing is written on a connection before the other side's
// key has been checked, so a request never reaches an impostor.
import tls, { type TLSSocket } from 'node:tls';
import { ShoalError } from '../../../src-shared/errors.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import { makeNodeCertificate } from '../identity/node-certificate.js';
import type { NodeKey } from '../identity/node-key.js';
import { tlsPeerNodeId } from '../identity/tls-peer-id.js';

/** AES-128-GCM first: AES-NI makes it the cheapest, and 128 bits is plenty. */
const CIPHERSUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
/** A handshake that takes longer is cut (a stranger holding half-open handshakes). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The other side of a TLS connection is not the node we meant to reach. */
export class PeerIdentityError extends ShoalError {
  constructor(readonly where: string, readonly expected: string, readonly presented: string | undefined) {
    super('PEER_IDENTITY_MISMATCH', presented
      ? `${where} is not the node expected: expected ${shortNodeId(expected)} (${expected}), but it presented ${shortNodeId(presented)} (${presented}); refusing to talk to it (someone in between, or another node at that address)`
      : `${where} did not present a node certificate; refusing to talk to it`);
  }
}

export interface PinnedConnectOptions {
  host: string;
  port: number;
  /** The node id the other side must prove; null: any node (the caller reads who it was). */
  expect: string | null;
  /** Where reads go (source-connection.ts reads into piece buffers). */
  onread?: { buffer: () => Buffer; callback: (bytes: number, into: Buffer) => boolean };
}

export class NodeTls {
  /** Made on the first call out (a few milliseconds): a node that only serves never needs it. */
  private clientContext: tls.SecureContext | undefined;
  private readonly common: tls.SecureContextOptions;
  /** For the serving side (tls.createServer): asks every client for its certificate, refuses none. */
  readonly serverOptions: tls.TlsOptions;

  constructor(readonly nodeId: string, key: string, cert: string) {
    const common = { key, cert, minVersion: 'TLSv1.3' as const, ciphersuites: CIPHERSUITES };
    this.common = common;
    // rejectUnauthorized false: a self-signed certificate is the point. A client without one is a
    // stranger (curl over https): served as anyone, its node id unknown.
    this.serverOptions = { ...common, requestCert: true, rejectUnauthorized: false, honorCipherOrder: true, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS };
  }

  static async create(key: NodeKey): Promise<NodeTls> {
    return new NodeTls(key.id, key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, makeNodeCertificate(key));
  }

  /**
   * A TLS connection, not yet checked. `verified` resolves with the node id the other side proved
   * (equal to `expect` when one is given) and rejects (the socket destroyed) otherwise: write
   * nothing before it resolves.
   */
  connect(o: PinnedConnectOptions): { socket: TLSSocket; verified: Promise<string> } {
    const host = o.host.replace(/^\[(.*)\]$/, '$1');
    const socket = tls.connect({
      host, port: o.port, secureContext: (this.clientContext ??= tls.createSecureContext(this.common)), minVersion: 'TLSv1.3', rejectUnauthorized: false,
      // No SNI: nodes are reached by address, and a name would tell an observer what we look for.
      servername: '', ALPNProtocols: ['http/1.1'], ...(o.onread ? { onread: o.onread } : {}),
    } as tls.ConnectionOptions);
    socket.setNoDelay(true);
    const verified = new Promise<string>((resolve, reject) => {
      // Stays on: later errors are the caller's listeners' to handle, never uncaught.
      socket.on('error', (err) => reject(err));
      socket.once('secureConnect', () => {
        const presented = tlsPeerNodeId(socket);
        const where = `${o.host}:${o.port}`;
        if (presented === undefined || (o.expect !== null && presented !== o.expect)) {
          const err = new PeerIdentityError(where, o.expect ?? '(any node)', presented);
          reject(err);
          socket.destroy(err);
          return;
        }
        resolve(presented);
      });
    });
    verified.catch(() => undefined); // the caller may learn of it through the socket's 'error' instead
    return { socket, verified };
  }
}

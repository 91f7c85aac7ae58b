// Simulated peers that register as real ones do since node identities (issue 14): each has its
// own Ed25519 key, signs the index's challenge, and answers the index's call-back at the address
// it claims, over TLS with its own certificate. The call-back responder lives only while its peer
// registers (the index calls back then, never later), so 10,000 peers never hold 10,000 ports;
// its server object and port are kept for the next registration (a failover), as a real node's run
// all along, and so is the address receipt of its last registration, which it shows to the next
// index server (a federation member then spares the call-back, as for a real node).
import type { Server } from 'node:http';
import type { AddressReceipt, IndexedFile } from '../src-shared/api/index-routes.js';
import { NodeKey } from '../src-main/core/identity/node-key.js';
import { NodeTls } from '../src-main/core/net/node-tls.js';
import { addressResponderServer, listenResponder, signedRegistration } from '../test/support/signed-registration.js';
import type { LoadHttp } from './load-http.js';

export class SimPeer {
  readonly key = NodeKey.generate();
  /** The key's TLS identity, made on its first registration and kept (a certificate takes ~10 ms). */
  private keyTls: NodeTls | undefined;
  /** The call-back's server, made on the first registration and listening only while one runs. */
  private responderServer: Server | undefined;
  /** The index server it is registered with (an index into the servers), and its session there. */
  server = -1;
  token = '';
  /** Its call-back port (kept from one registration to the next when free, as a node keeps its port) and its latest address receipt. */
  private port = 0;
  private receipt: AddressReceipt | undefined;
  /** The index servers' call-backs it answered (a registration spared by a receipt has none). */
  callBacks = 0;
  /** Between losing its index server and registering with another: no heartbeats. */
  moving = false;

  constructor(readonly n: number, readonly files: IndexedFile[]) {}

  get id(): string {
    return this.key.id;
  }

  /** The key's TLS identity (for the call-back's responder, and for calling over TLS as a node does). */
  async tls(): Promise<NodeTls> {
    this.keyTls ??= await NodeTls.create(this.key);
    return this.keyTls;
  }

  /**
   * Registers with the index server at `port`; throws with the index's answer when refused.
   * `http`: the load test's plain HTTP, or any caller of the same shape (the registration
   * benchmark's TLS, as a real node calls).
   */
  async register(http: Pick<LoadHttp, 'call'>, port: number): Promise<string> {
    if (!this.responderServer) {
      this.responderServer = addressResponderServer(this.key, await this.tls());
      this.responderServer.on('request', () => this.callBacks++);
    }
    const responder = await listenResponder(this.responderServer, this.key, '127.0.0.1', this.port);
    this.port = responder.port;
    try {
      const challenge = await http.call(port, 'GET', '/api/v1/peers/challenge');
      if (challenge.status !== 200) throw new Error(`challenge answered ${challenge.status}: ${challenge.body}`);
      const given = JSON.parse(challenge.body) as { indexId: string; challenge: string };
      // The receipt of its last registration: a federation member that knows its issuer takes it instead of calling back.
      const body = signedRegistration(this.key, { name: `load-${this.n}`, port: responder.port, files: this.files, ...(this.receipt ? { receipt: this.receipt } : {}) }, given);
      const res = await http.call(port, 'POST', '/api/v1/peers/register', body);
      if (res.status !== 200) throw new Error(`register answered ${res.status}: ${res.body.slice(0, 300)}`);
      const answer = JSON.parse(res.body) as { sessionToken: string; receipt?: AddressReceipt };
      this.token = answer.sessionToken;
      this.receipt = answer.receipt ?? this.receipt;
      return this.token;
    } finally {
      await responder.close();
    }
  }
}

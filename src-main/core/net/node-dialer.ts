// How this node calls other nodes' JSON APIs: over TLS pinned to the node it means to reach when
// encryption is on (security.enable_encryption), plain HTTP otherwise. Never both: an encrypting
// node that cannot make TLS work with a node reports the failure and sends nothing in the clear
// (no downgrade). Index servers are pinned on first use: the id an index proves the first time
// this node reaches it at an address is the only one it accepts there afterwards, across restarts
// when the pins are kept in the node state, and from the first contact when the user gave the id
// with the address (index-pins.ts).
// Both ways go through Node's own HTTP client on a socket made here, kept between calls
// (idle-connections.ts), and answer with a Node stream: not `fetch`, whose first call costs a
// process ~80 ms of loading and compiling (undici and its WebAssembly parser), a sixth of
// `shoal get`'s start-up.
import { request, type IncomingMessage } from 'node:http';
import { connect as plainConnect, type Socket } from 'node:net';
import { hostForUrl } from './host-for-url.js';
import { IdleConnections } from './idle-connections.js';
import { IndexPins } from './index-pins.js';
import { PeerIdentityError, type NodeTls } from './node-tls.js';

/**
 * Who must answer: `{ node }` exactly that node id; `'pinned'` the id this address proved before
 * (trust on first use, for index servers); `'any'` whoever it is (the caller checks what it says
 * about itself against `nodeId`).
 */
export type Expected = { node: string } | 'pinned' | 'any';

export interface CallInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface NodeAnswer {
  status: number;
  /** The answer's body (empty for 204 and 304): read it, or destroy it, so the connection is freed. */
  body: IncomingMessage;
  /** The node id the other side proved over TLS; undefined over plain HTTP. */
  nodeId: string | undefined;
}

/** Plain HTTP connections are pooled with TLS ones' code under this id: they prove none. */
const NO_ID = '';

export class NodeDialer {
  private readonly idle = new IdleConnections();

  /**
   * `tls` null: encryption is off, calls go in plain HTTP. `pins`: which id each index server
   * address must prove (default: pinned on first use, in memory for this run).
   */
  constructor(readonly tls: NodeTls | null, readonly pins: IndexPins = new IndexPins()) {}

  get encrypts(): boolean {
    return this.tls !== null;
  }

  /** The id an index at `address` must prove: given with its address, or pinned when this node first reached it over TLS. */
  pinned(address: string): string | undefined {
    return this.pins.expected(address);
  }

  /** One request; no redirects are followed (a 3xx is an answer like any other). */
  async call(url: string, init: CallInit, expected: Expected): Promise<NodeAnswer> {
    const target = new URL(url);
    if (!this.tls) return this.callPlain(target, init);
    const address = target.host;
    const port = Number(target.port || 80);
    // Pins are kept by `host:port`, the port always written (a URL leaves out 80).
    const pinAt = `${target.hostname}:${port}`;
    const pin = expected === 'pinned' ? this.pins.expected(pinAt) : undefined;
    const expect = typeof expected === 'object' ? expected.node : pin ?? null;
    init.signal?.throwIfAborted();
    const reused = this.idle.take(address, (nodeId) => expect === null || nodeId === expect);
    if (reused) {
      // A connection made for an unpinned call (expected 'any') proved its id too: the first one is pinned here as well.
      if (expected === 'pinned' && !pin) this.pins.learned(pinAt, reused.nodeId);
      const answer = await this.sendAgain(target, reused, init);
      if (answer) return answer;
    }
    const { socket, verified } = this.tls.connect({ host: target.hostname, port, expect });
    let nodeId: string;
    try {
      nodeId = await whileNotAborted(socket, verified, init.signal);
    } catch (err) {
      if (pin && err instanceof PeerIdentityError) {
        this.pins.refused(pinAt, err.presented);
        const how = this.pins.view(pinAt)?.given ? 'its id given in this node\u2019s configuration' : 'pinned on first use';
        throw new PeerIdentityError(`the index server ${address} (${how})`, pin, err.presented);
      }
      throw err;
    }
    if (expected === 'pinned') {
      if (pin) this.pins.confirmed(pinAt);
      else this.pins.learned(pinAt, nodeId);
    }
    return this.sendOnNew(target, socket, nodeId, init);
  }

  /** A call in plain HTTP (encryption off): nothing is proven, so any kept connection to the address does. */
  private async callPlain(target: URL, init: CallInit): Promise<NodeAnswer> {
    init.signal?.throwIfAborted();
    const reused = this.idle.take(target.host, () => true);
    if (reused) {
      const answer = await this.sendAgain(target, reused, init);
      if (answer) return answer;
    }
    const socket = plainConnect({ host: target.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(target.port || 80) });
    socket.setNoDelay(true);
    const connected = new Promise<string>((resolve, reject) => {
      socket.on('error', reject); // stays on: later errors are the request's to report
      socket.once('connect', () => resolve(NO_ID));
    });
    await whileNotAborted(socket, connected, init.signal);
    return this.sendOnNew(target, socket, NO_ID, init);
  }

  /**
   * A call on a kept connection. Undefined when the other side had closed it as it was taken (its
   * keep-alive ran out): nothing was answered, so the call goes again on a new connection.
   */
  private async sendAgain(target: URL, kept: { socket: Socket; nodeId: string }, init: CallInit): Promise<NodeAnswer | undefined> {
    try {
      return await this.send(target, kept.socket, kept.nodeId, init);
    } catch (err) {
      if (!(err instanceof StaleConnection) || init.signal?.aborted) throw err instanceof StaleConnection ? err.cause : err;
      return undefined;
    }
  }

  private async sendOnNew(target: URL, socket: Socket, nodeId: string, init: CallInit): Promise<NodeAnswer> {
    try {
      return await this.send(target, socket, nodeId, init);
    } catch (err) {
      throw err instanceof StaleConnection ? err.cause : err;
    }
  }

  /** Closes the connections kept for later calls. */
  close(): void {
    this.idle.close();
  }

  /**
   * One request on a verified connection; the connection is kept for the next call once its
   * answer was read in full. Fails with StaleConnection when the socket closed before any answer.
   */
  private send(target: URL, socket: Socket, nodeId: string, init: CallInit): Promise<NodeAnswer> {
    const address = target.host;
    const abort = () => socket.destroy(init.signal?.reason instanceof Error ? init.signal.reason : new Error('aborted'));
    if (init.signal?.aborted) {
      abort();
      return Promise.reject(init.signal.reason instanceof Error ? init.signal.reason : new Error('aborted'));
    }
    init.signal?.addEventListener('abort', abort, { once: true });
    return new Promise<NodeAnswer>((resolve, reject) => {
      const headers: Record<string, string> = { host: `${hostForUrl(target.hostname)}:${target.port || 80}`, connection: 'keep-alive', ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
      const req = request({ createConnection: () => socket, method: init.method ?? 'GET', path: `${target.pathname}${target.search}`, headers });
      let answered = false;
      req.once('error', (err) => {
        init.signal?.removeEventListener('abort', abort);
        reject(answered ? err : new StaleConnection(err));
      });
      // Emitted by Node's HTTP client once an answer was read in full on a connection both sides keep.
      socket.once('free', () => {
        init.signal?.removeEventListener('abort', abort);
        this.idle.put(address, socket, nodeId);
      });
      req.once('response', (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        res.once('close', () => init.signal?.removeEventListener('abort', abort));
        if (status < 200 || status > 599) {
          res.destroy();
          socket.destroy();
          reject(new Error(`${address} answered with status ${status}`));
          return;
        }
        if (status === 204 || status === 304) res.resume();
        resolve({ status, body: res, nodeId: nodeId === NO_ID ? undefined : nodeId });
      });
      req.end(init.body);
    });
  }
}

/** A connection that closed before answering anything: safe to send the call again. */
class StaleConnection extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/** Waits for a new connection to be made (and, over TLS, checked); an abort destroys it. */
async function whileNotAborted<T>(socket: Socket, ready: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  const abort = () => socket.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    return await ready;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

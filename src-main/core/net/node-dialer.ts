// How this node calls other nodes' JSON APIs: over TLS pinned to the node it means to reach when
// encryption is on (security.enable_encryption), plain fetch otherwise. Never both: an encrypting
// node that cannot make TLS work with a node reports the failure and sends nothing in the clear
// (no downgrade). Index servers are pinned on first use: the id an index proves the first time
// this node reaches it at an address is the only one it accepts there afterwards.
import { request, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { hostForUrl } from './host-for-url.js';
import { PeerIdentityError, type NodeTls } from './node-tls.js';

/**
 * Who must answer: `{ node }` exactly that node id; `'pinned'` the id this address proved before
 * (trust on first use, for index servers); `'any'` whoever it is (the caller checks what it says
 * about itself against `nodeId`).
 */
export type Expected = { node: string } | 'pinned' | 'any';

export interface CallInit {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface NodeAnswer {
  response: Response;
  /** The node id the other side proved over TLS; undefined over plain HTTP. */
  nodeId: string | undefined;
}

export class NodeDialer {
  /** address (host:port) → the node id it proved first (index servers). */
  private readonly pins = new Map<string, string>();

  /** `tls` null: encryption is off, calls go in plain HTTP. */
  constructor(readonly tls: NodeTls | null) {}

  get encrypts(): boolean {
    return this.tls !== null;
  }

  /** The id pinned for an index at `address`, if this node has reached it over TLS. */
  pinned(address: string): string | undefined {
    return this.pins.get(address);
  }

  /** One request; no redirects are followed (a 3xx is an answer like any other). */
  async call(url: string, init: CallInit, expected: Expected): Promise<NodeAnswer> {
    if (!this.tls) {
      const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, signal: init.signal, redirect: 'error' });
      return { response, nodeId: undefined };
    }
    const target = new URL(url);
    const address = target.host;
    const port = Number(target.port || 80);
    const pin = expected === 'pinned' ? this.pins.get(address) : undefined;
    const expect = typeof expected === 'object' ? expected.node : pin ?? null;
    init.signal?.throwIfAborted();
    const { socket, verified } = this.tls.connect({ host: target.hostname, port, expect });
    const abort = () => socket.destroy(init.signal?.reason instanceof Error ? init.signal.reason : new Error('aborted'));
    init.signal?.addEventListener('abort', abort, { once: true });
    let nodeId: string;
    try {
      nodeId = await verified;
    } catch (err) {
      init.signal?.removeEventListener('abort', abort);
      if (pin && err instanceof PeerIdentityError) {
        throw new PeerIdentityError(`the index server ${address} (pinned on first use)`, pin, err.presented);
      }
      throw err;
    }
    if (expected === 'pinned' && !pin) this.pins.set(address, nodeId);
    return new Promise<NodeAnswer>((resolve, reject) => {
      const headers: Record<string, string> = { host: `${hostForUrl(target.hostname)}:${port}`, connection: 'close', ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
      const req = request({ createConnection: () => socket, method: init.method ?? 'GET', path: `${target.pathname}${target.search}`, headers });
      req.once('error', (err) => {
        init.signal?.removeEventListener('abort', abort);
        reject(err);
      });
      req.once('response', (res) => {
        const status = res.statusCode ?? 0;
        res.once('close', () => init.signal?.removeEventListener('abort', abort));
        if (status < 200 || status > 599) {
          res.destroy();
          reject(new Error(`${address} answered with status ${status}`));
          return;
        }
        const noBody = status === 204 || status === 304;
        if (noBody) res.resume();
        const body = noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve({ response: new Response(body, { status, headers: flatHeaders(res.headers) }), nodeId });
      });
      req.end(init.body);
    });
  }
}

function flatHeaders(headers: IncomingHttpHeaders): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

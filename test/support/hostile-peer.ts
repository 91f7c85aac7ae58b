// A hostile source for download tests: a small real HTTP server that poses as a Shoal peer (info,
// file, a piece list proven against the id, ranged downloads), registers and heartbeats with a
// real index server if given one, and misbehaves in one way per mode. The mode can change while
// it runs, so a test can make a source bad and then good again. Shoal nodes never do any of this,
// so it is written by hand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { referenceTree } from './reference-tree.js';
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { NodeTls } from '../../src-main/core/net/node-tls.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { infoAnswer, isInfoRequest, postRegistration } from './signed-registration.js';

/**
 * - `honest`: serves the real bytes.
 * - `slowloris`: answers every range with the right head, then one byte a second on each
 *   connection, for ever (a "no byte for N s" timer never fires).
 * - `corrupt`: flips one byte in every piece it serves.
 * - `gone`: answers every range 404, as a peer that stopped sharing the file (a drop).
 */
export type HostileMode = 'honest' | 'slowloris' | 'corrupt' | 'gone';

export interface HostilePeer {
  peerId: string;
  port: number;
  /** host:port, for `{peer}` downloads. */
  address: string;
  mode: HostileMode;
  /** Range requests it received, in any mode. */
  readonly requests: number;
  /** When (performance.now()) it received its first range request; undefined before. */
  readonly firstRequestAt: number | undefined;
  close(): Promise<void>;
}

const SLOWLORIS_BYTE_EVERY_MS = 1000;

export async function startHostilePeer(content: Buffer, o: { name: string; mode: HostileMode; index?: string | null }): Promise<HostilePeer> {
  const id = referenceTree(content).root;
  const pieceSize = pieceSizeFor(content.length);
  const pieces = referenceTree(content, pieceSize).layer;
  const key = NodeKey.generate();
  const peerId = key.id;
  const drips = new Set<NodeJS.Timeout>();
  const peer: { mode: HostileMode; requests: number; firstRequestAt: number | undefined } = { mode: o.mode, requests: 0, firstRequestAt: undefined };
  const json = (res: http.ServerResponse, body: unknown) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const now = new Date().toISOString();
    if (isInfoRequest(req.url)) {
      return json(res, infoAnswer(key, req.url, { name: `${o.mode}-peer`, fileCount: 1, totalBytes: content.length }));
    }
    if (req.url === `/api/v1/files/${id}`) {
      return json(res, { id, name: o.name, names: [o.name], size: content.length, mime: 'application/octet-stream', category: 'other', tags: [], userTags: [], pieceSize, pieceCount: pieces.length, sharedAt: now, sha256: null });
    }
    if (req.url === `/api/v1/files/${id}/pieces`) return json(res, { id, size: content.length, pieceSize, pieces });
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.url !== `/api/v1/download/${id}` || !range) return void res.writeHead(404).end();
    peer.requests++;
    peer.firstRequestAt ??= performance.now();
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), content.length - 1);
    const body = Buffer.from(content.subarray(start, end + 1));
    const head = { 'content-range': `bytes ${start}-${end}/${content.length}`, 'content-length': body.length };
    switch (peer.mode) {
      case 'gone':
        return void res.writeHead(404).end();
      case 'slowloris': {
        res.writeHead(206, head);
        let at = 0;
        const drip = () => {
          if (at < body.length) res.write(body.subarray(at, ++at));
        };
        drip();
        const timer = setInterval(drip, SLOWLORIS_BYTE_EVERY_MS);
        drips.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          drips.delete(timer);
        });
        return;
      }
      case 'corrupt':
        // One flipped byte in every piece the range touches.
        for (let at = Math.ceil(start / pieceSize) * pieceSize; at <= end; at += pieceSize) body[at - start]! ^= 0xff;
        if (start % pieceSize !== 0) body[0]! ^= 0xff;
        break;
      case 'honest':
        break;
    }
    res.writeHead(206, head).end(body);
  });
  // Speaks TLS with its key too, as a real node's port does (an encrypting downloader asks only so).
  acceptTlsToo(server, (await NodeTls.create(key)).serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let heartbeat: NodeJS.Timeout | undefined;
  if (o.index) {
    const post = async (path: string, body: unknown, token?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`http://${o.index}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`index answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { sessionToken: string; heartbeatIntervalMs: number };
    };
    const registered = await postRegistration(`http://${o.index}`, key, {
      name: `${o.mode}-peer`, port, address: '127.0.0.1',
      files: [{ id, name: o.name, size: content.length, mime: 'application/octet-stream', category: 'other', tags: [], pieceSize }],
    });
    if (!registered.ok) throw new Error(`index answered ${registered.status}: ${await registered.text()}`);
    const session = (await registered.json()) as { sessionToken: string; heartbeatIntervalMs: number };
    heartbeat = setInterval(() => {
      post('/api/v1/peers/heartbeat', { peerId }, session.sessionToken).catch(() => undefined);
    }, session.heartbeatIntervalMs);
  }
  return {
    peerId, port, address: `127.0.0.1:${port}`,
    get mode() {
      return peer.mode;
    },
    set mode(mode: HostileMode) {
      peer.mode = mode;
    },
    get requests() {
      return peer.requests;
    },
    get firstRequestAt() {
      return peer.firstRequestAt;
    },
    close: async () => {
      clearInterval(heartbeat);
      for (const timer of drips) clearInterval(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

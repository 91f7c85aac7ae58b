// A misbehaving peer for download tests: it speaks the real peer protocol over real HTTP (piece
// list, ranged downloads), registers and heartbeats with a real index server, and flips a byte
// in every piece it serves. Shoal nodes never do this, so it is written by hand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { referenceTree } from './reference-tree.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { NodeTls } from '../../src-main/core/net/node-tls.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { infoAnswer, isInfoRequest, postRegistration } from './signed-registration.js';

export interface CorruptPeer {
  peerId: string;
  port: number;
  /** Ranges it served, corrupted. */
  served: number;
  close(): Promise<void>;
}

/**
 * `corrupt` flips a byte in every piece; `stall` sends the first 1000 bytes of a range and then
 * nothing; `liar` serves other bytes of the same size under the id, with a piece list that matches
 * those bytes (but not the id: its tree root is another).
 */
export type Misbehaviour = 'corrupt' | 'stall' | 'liar';

export async function startCorruptPeer(realContent: Buffer, name: string, indexAddress: string | null, behaviour: Misbehaviour = 'corrupt'): Promise<CorruptPeer> {
  const id = referenceTree(realContent).root;
  const content = behaviour === 'liar' ? Buffer.from(realContent).fill(0x42, 0, 1000) : realContent;
  const pieceSize = pieceSizeFor(content.length);
  const pieces = referenceTree(content, pieceSize).layer;
  const key = NodeKey.generate();
  const peerId = key.id;
  const state = { served: 0 };
  const server = http.createServer((req, res) => {
    if (isInfoRequest(req.url) || req.url === `/api/v1/files/${id}`) {
      res.setHeader('content-type', 'application/json');
      const now = new Date().toISOString();
      res.end(JSON.stringify(isInfoRequest(req.url)
        ? infoAnswer(key, req.url, { name: `${behaviour}-peer`, fileCount: 1, totalBytes: content.length })
        : { id, name, names: [name], size: content.length, mime: 'application/octet-stream', category: 'other', tags: [], userTags: [], pieceSize, pieceCount: pieces.length, sharedAt: now, sha256: null }));
      return;
    }
    if (req.url === `/api/v1/files/${id}/pieces`) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id, size: content.length, pieceSize, pieces }));
      return;
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.url === `/api/v1/download/${id}` && range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), content.length - 1);
      const body = Buffer.from(content.subarray(start, end + 1));
      if (behaviour === 'liar') {
        state.served++;
        res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${content.length}`, 'content-length': body.length });
        res.end(body);
        return;
      }
      if (behaviour === 'stall') {
        state.served++;
        res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${content.length}`, 'content-length': body.length });
        res.write(body.subarray(0, 1000)); // then silence, connection open
        return;
      }
      // One flipped byte in every piece the range touches.
      for (let at = Math.ceil(start / pieceSize) * pieceSize; at <= end; at += pieceSize) body.writeUInt8(body.readUInt8(at - start) ^ 0xff, at - start);
      if (start % pieceSize !== 0) body.writeUInt8(body.readUInt8(0) ^ 0xff, 0);
      state.served++;
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${content.length}`, 'content-length': body.length });
      res.end(body);
      return;
    }
    res.writeHead(404).end();
  });
  // Speaks TLS with its key too, as a real node's port does (an encrypting downloader asks only so).
  acceptTlsToo(server, (await NodeTls.create(key)).serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const post = async (path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`http://${indexAddress}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`index answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { sessionToken: string; heartbeatIntervalMs: number };
  };
  let heartbeat: NodeJS.Timeout | undefined;
  if (indexAddress) {
    const registered = await postRegistration(`http://${indexAddress}`, key, {
      name: `${behaviour}-peer`, port, address: '127.0.0.1',
      files: [{ id, name, size: content.length, mime: 'application/octet-stream', category: 'other', tags: [], pieceSize }],
    });
    if (!registered.ok) throw new Error(`index answered ${registered.status}: ${await registered.text()}`);
    const session = (await registered.json()) as { sessionToken: string; heartbeatIntervalMs: number };
    heartbeat = setInterval(() => {
      post('/api/v1/peers/heartbeat', { peerId }, session.sessionToken).catch(() => undefined);
    }, session.heartbeatIntervalMs);
  }
  return {
    peerId,
    port,
    get served() {
      return state.served;
    },
    close: async () => {
      clearInterval(heartbeat);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// A misbehaving peer for download tests: it speaks the real peer protocol over real HTTP (piece
// list, ranged downloads), registers and heartbeats with a real index server, and flips a byte
// in every piece it serves. Shoal nodes never do this, so it is written by hand.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pieceSizeFor } from '../../src-shared/piece-size.js';

export interface CorruptPeer {
  peerId: string;
  port: number;
  /** Ranges it served, corrupted. */
  served: number;
  close(): Promise<void>;
}

/** `corrupt` flips a byte in every piece; `stall` sends the first 1000 bytes of a range and then nothing. */
export type Misbehaviour = 'corrupt' | 'stall';

export async function startCorruptPeer(content: Buffer, name: string, indexAddress: string, behaviour: Misbehaviour = 'corrupt'): Promise<CorruptPeer> {
  const id = createHash('sha256').update(content).digest('hex');
  const pieceSize = pieceSizeFor(content.length);
  const pieces: string[] = [];
  for (let at = 0; at < content.length; at += pieceSize) pieces.push(createHash('sha256').update(content.subarray(at, at + pieceSize)).digest('hex'));
  const peerId = randomUUID();
  const state = { served: 0 };
  const server = http.createServer((req, res) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const post = async (path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`http://${indexAddress}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`index answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { sessionToken: string; heartbeatIntervalMs: number };
  };
  const session = await post('/api/v1/peers/register', {
    peerId, name: 'corrupt-peer', port, address: '127.0.0.1',
    files: [{ id, name, size: content.length, mime: 'application/octet-stream', category: 'other', tags: [], pieceSize }],
  });
  const heartbeat = setInterval(() => {
    post('/api/v1/peers/heartbeat', { peerId }, session.sessionToken).catch(() => undefined);
  }, session.heartbeatIntervalMs);
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

// The download's own HTTP/1.1 range client against raw servers that answer byte by byte, keep or
// drop connections, and misbehave in the ways a remote peer could.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PieceBuffers } from '../../src-main/core/downloads/piece-buffers.js';
import { FetchError, fetchPieces } from '../../src-main/core/downloads/piece-fetcher.js';
import { ConnectionError, SourceConnection } from '../../src-main/core/downloads/source-connection.js';
import { SourceConnectionPool } from '../../src-main/core/downloads/source-connection-pool.js';
import { RateLimiter } from '../../src-main/core/transfers/rate-limiter.js';
import { pollUntil } from '../support/poll.js';

const content = randomBytes(100_000);
const servers: net.Server[] = [];

/** A server that reads one request head at a time and lets `answer` write what it likes. */
async function rawServer(answer: (socket: net.Socket, range: [number, number], request: number) => void): Promise<{ url: URL; connections: () => number }> {
  let connections = 0;
  let requests = 0;
  const server = net.createServer((socket) => {
    connections++;
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        const head = text.slice(0, end);
        text = text.slice(end + 4);
        const m = /range: bytes=(\d+)-(\d+)/i.exec(head);
        answer(socket, m ? [Number(m[1]), Number(m[2])] : [0, content.length - 1], ++requests);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/api/v1/download/x`), connections: () => connections };
}

function rangeAnswer([start, end]: [number, number], extraHeaders = ''): Buffer {
  const body = content.subarray(start, end + 1);
  const head = `HTTP/1.1 206 Partial Content\r\nContent-Length: ${body.length}\r\nContent-Range: bytes ${start}-${end}/${content.length}\r\n${extraHeaders}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Writes `data` a few bytes at a time, so heads and bodies are split everywhere. */
function dribble(socket: net.Socket, data: Buffer, step: number): void {
  for (let i = 0; i < data.length; i += step) socket.write(data.subarray(i, i + step));
}

async function readAll(connection: SourceConnection, url: URL, start: number, end: number): Promise<Buffer> {
  const head = await connection.request(url.pathname, { Range: `bytes=${start}-${end}` });
  expect(head.status).toBe(206);
  const out = Buffer.alloc(head.length);
  let got = 0;
  // Odd-sized spaces, so reads and copies cross them.
  await connection.readBody({ space: () => out.subarray(got, Math.min(out.length, got + 777)), received: (n) => (got += n) });
  return out;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('SourceConnection', () => {
  it('reads heads and bodies however they are split, and carries several answers on one connection', async () => {
    const server = await rawServer((socket, range, n) => dribble(socket, rangeAnswer(range), n === 1 ? 7 : 65_536));
    const connection = new SourceConnection(server.url);
    try {
      expect((await readAll(connection, server.url, 0, 49_999)).equals(content.subarray(0, 50_000))).toBe(true);
      expect(connection.usable).toBe(true);
      expect((await readAll(connection, server.url, 50_000, 99_999)).equals(content.subarray(50_000))).toBe(true);
      expect((await readAll(connection, server.url, 10, 10)).equals(content.subarray(10, 11))).toBe(true);
      expect(server.connections()).toBe(1);
    } finally {
      connection.destroy();
    }
  });

  it('refuses what a range answer never is: chunked, a head over 16 KiB, bytes past the body, garbage', async () => {
    const answers: Record<number, (socket: net.Socket, range: [number, number]) => void> = {
      1: (s) => s.write('HTTP/1.1 206 Partial Content\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
      2: (s) => s.write(`HTTP/1.1 206 Partial Content\r\nX-Long: ${'a'.repeat(20_000)}\r\nContent-Length: 1\r\n\r\na`),
      3: (s, range) => s.write(Buffer.concat([rangeAnswer(range), Buffer.from('surprise')])),
      4: (s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'),
    };
    const expected = [/chunked/, /too long/, /more bytes|nobody asked/, /not an HTTP/];
    for (const [i, answer] of Object.values(answers).entries()) {
      const server = await rawServer((socket, range) => answer(socket, range));
      const connection = new SourceConnection(server.url);
      const result = await readAll(connection, server.url, 0, 99).catch((err: unknown) => err);
      if (i === 2 && !(result instanceof Error)) {
        // The body may be whole before the stray bytes come; then they end the connection.
        await pollUntil(() => !connection.usable, 'the connection to be dropped');
        continue;
      }
      expect(result).toBeInstanceOf(ConnectionError);
      expect((result as ConnectionError).code).toBe('PROTOCOL');
      expect((result as Error).message).toMatch(expected[i]!);
      expect(connection.usable).toBe(false);
    }
  });

  it('says when a connection ended before any answer, and is not reused after Connection: close', async () => {
    const closing = await rawServer((socket) => socket.end());
    const first = new SourceConnection(closing.url);
    const err = await first.request('/x', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ConnectionError', beforeResponse: true });

    const once = await rawServer((socket, range) => socket.write(rangeAnswer(range, 'Connection: close\r\n')));
    const second = new SourceConnection(once.url);
    expect((await readAll(second, once.url, 0, 9)).equals(content.subarray(0, 10))).toBe(true);
    expect(second.usable).toBe(false);
    second.destroy();
  });
});

describe('fetchPieces over the connection pool', () => {
  const request = (connections: SourceConnectionPool, got: Map<number, Buffer>, stallMs = 5_000) => ({
    first: 0, count: 4, pieceSize: 25_000, size: content.length, connections, limiter: new RateLimiter(0), stallMs,
    signal: new AbortController().signal, buffers: new PieceBuffers(25_000, 25_000), onBytes: () => undefined,
    onPiece: (piece: number, data: Buffer) => got.set(piece, Buffer.from(data)),
  });

  it('tries once more on a new connection when a kept-alive one was closed by the source', async () => {
    // Answers the first request of each connection, and drops the connection on the second.
    const server = await rawServer((socket, range) => {
      const seen = (socket as net.Socket & { answered?: boolean }).answered;
      if (seen) return socket.destroy();
      (socket as net.Socket & { answered?: boolean }).answered = true;
      socket.write(rangeAnswer(range));
    });
    const pool = new SourceConnectionPool(server.url, 2);
    try {
      for (let round = 0; round < 2; round++) {
        const got = new Map<number, Buffer>();
        await fetchPieces(request(pool, got));
        expect(Buffer.concat([...got.entries()].sort(([a], [b]) => a - b).map(([, d]) => d)).equals(content)).toBe(true);
      }
      expect(server.connections()).toBe(2);
    } finally {
      pool.close();
    }
  });

  it('gives up on a source that stops sending, and keeps no piece it did not finish', async () => {
    const server = await rawServer((socket, range) => socket.write(rangeAnswer(range).subarray(0, 30_000)));
    const pool = new SourceConnectionPool(server.url, 2);
    const got = new Map<number, Buffer>();
    const err = await fetchPieces(request(pool, got, 200)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).kind).toBe('stalled');
    expect([...got.keys()]).toEqual([0]); // 30,000 bytes of head and body: one whole piece
    pool.close();
  });
});

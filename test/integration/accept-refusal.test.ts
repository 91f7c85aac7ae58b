// An address far over its limits is refused at accept (issue 13, item 9): a stranger on 127.0.0.2
// (Linux routes all of 127/8 to lo) that holds its maximum of connections, or has made twice its
// requests of the window, has every new socket closed before a byte of HTTP is answered, while
// another address (127.0.0.3) and the local user (127.0.0.1 with the token) are served.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../support/memory-logger.js';
import { askOn } from '../support/raw-http.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const STRANGER = '127.0.0.2';
const OTHER = '127.0.0.3';
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A connection to the node from `from`. */
function openFrom(port: number, from: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: from }, () => resolve(socket));
    sockets.push(socket);
    socket.once('error', reject);
  });
}


/**
 * Opens a connection from `from`, sends a request (and a TLS-looking first byte would do the same:
 * the refusal is before the sniff) and reports what came back before the node closed it, how,
 * and after how long.
 */
function refusedOrAnswered(port: number, from: string): Promise<{ bytes: number; reset: boolean; openMs: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    let reset = false;
    let connectedAt = 0;
    const socket = connect({ host: '127.0.0.1', port, localAddress: from }, () => {
      connectedAt = performance.now();
      socket.write(`GET /api/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    });
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('error', (err: NodeJS.ErrnoException) => (reset ||= err.code === 'ECONNRESET'));
    socket.once('close', () => resolve({ bytes, reset, openMs: performance.now() - connectedAt }));
  });
}

/** A GET from `from` on a connection of its own; the status code, or 0 when the node closed the connection unanswered. */
function getFrom(port: number, from: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress: from, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', () => resolve(0));
    req.end();
  });
}


describe('an address holding its maximum of connections', () => {
  let n: TestNode;
  const log = memoryLogger();
  beforeAll(async () => {
    n = await startTestNode({ security: { max_connections: 1000, max_connections_per_address: 5 }, logger: log.logger });
  });
  afterAll(() => n.destroy());

  it('has its extra sockets closed before any HTTP byte; another address and the local user are served', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => openFrom(n.port, STRANGER)));
    expect(await Promise.all(held.map(async (socket) => (await askOn(socket, '/api/v1/info')).status))).toEqual([200, 200, 200, 200, 200]);

    const extra = await Promise.all(Array.from({ length: 10 }, () => refusedOrAnswered(n.port, STRANGER)));
    expect(extra.map((e) => e.bytes)).toEqual(Array.from({ length: 10 }, () => 0));
    // Held unread for a second (a client looping on refusals is slowed to one a second), then reset.
    expect(extra.every((e) => e.reset && e.openMs >= 900)).toBe(true);
    // A TLS client is refused before its handshake: the refusal comes before the TLS sniff.
    const handshake = await new Promise<'secure' | 'closed'>((resolve) => {
      // tls.connect's types lack localAddress: the TCP socket is made first, from the stranger's address.
      const socket = tls.connect({ socket: connect({ host: '127.0.0.1', port: n.port, localAddress: STRANGER }), rejectUnauthorized: false }, () => resolve('secure'));
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => resolve('closed'));
    });
    expect(handshake).toBe('closed');
    // The held ones are still served: only new sockets are refused.
    expect((await askOn(held[0] as Socket, '/api/v1/info')).status).toBe(200);

    expect(await getFrom(n.port, OTHER, '/api/v1/info')).toBe(200);
    expect((await n.api('/api/v1/settings/transfers')).status).toBe(200);
    expect((await n.api('/api/v1/info', { auth: false })).status).toBe(200); // 127.0.0.1 holds nothing here
    await pollUntil(() => log.lines.some((l) => l.address === STRANGER && String(l.msg).includes('at accept')), 'the refusal logged');

    // Its connections closed, the address is served again.
    for (const socket of held) socket.destroy();
    await pollUntil(async () => (await getFrom(n.port, STRANGER, '/api/v1/info')) === 200, 'the address served again');
  }, 20_000);
});

describe('an address far over its request rate', () => {
  let n: TestNode;
  beforeAll(async () => {
    n = await startTestNode({ security: { max_connections: 1000, max_connections_per_address: 1000, max_requests_per_address: 20, request_window: '30s' } });
  });
  afterAll(() => n.destroy());

  it('has its new sockets closed before any HTTP byte; another address and the local user are served', async () => {
    // 45 at once: 20 served, the others refused with 429 (each after a pause of at most a second)
    // until 40 were counted, twice the limit; a connection accepted after that is closed unanswered.
    const statuses = await Promise.all(Array.from({ length: 45 }, () => getFrom(n.port, STRANGER, '/api/v1/info')));
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 200 || s === 429 || s === 0)).toBe(true);

    const next = await refusedOrAnswered(n.port, STRANGER);
    expect(next.bytes).toBe(0);
    expect(await getFrom(n.port, OTHER, '/api/v1/info')).toBe(200);
    expect((await n.api('/api/v1/info')).status).toBe(200);
  }, 20_000);
});

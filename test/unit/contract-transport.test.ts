// The contract client between nodes, against a real HTTP server that answers each route in its
// own bad way: every failure ends in one NodeCallError, and nothing is followed or read past its cap.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { nodeIdFromPublicKey } from '../../src-shared/node-id.js';
import { nodeApiClient, NodeCallError } from '../../src-main/core/net/contract-transport.js';

const stats = { peersOnline: 1, peersTotal: 1, uniqueFiles: 2, availableFiles: 2, totalBytes: 3, searchesPerMinute: 0, registrations: 1, heartbeatsPerMinute: 0, uptimeSeconds: 4 };
let server: Server;
let address: string;
const seen: { url: string; auth: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      switch (answerFor) {
        case 'ok': return json(res, 200, currentAnswer);
        case 'error': return json(res, 404, { error: { code: 'PEER_UNKNOWN', message: 'who are you' } });
        case 'plain-error': res.writeHead(500).end('<html>oops</html>'); return;
        case 'redirect': res.writeHead(302, { location: `http://${address}/elsewhere` }).end(); return;
        case 'garbage': res.writeHead(200, { 'content-type': 'application/json' }).end('{"not json'); return;
        case 'huge': res.writeHead(200, { 'content-type': 'application/json' }).end(`{"pad":"${'x'.repeat(300_000)}"}`); return;
        case 'slow': setTimeout(() => json(res, 200, currentAnswer), 2_000); return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let answerFor: 'ok' | 'error' | 'plain-error' | 'redirect' | 'garbage' | 'huge' | 'slow' = 'ok';
let currentAnswer: unknown = stats;

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function failure(call: Promise<unknown>): Promise<NodeCallError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(NodeCallError);
  return err as NodeCallError;
}

describe('the contract client between nodes', () => {
  const index = nodeApiClient(indexRoutes);
  const peer = nodeApiClient(peerRoutes);

  it('sends the route the table names, with its token and checked body, and parses the answer', async () => {
    answerFor = 'ok';
    currentAnswer = { ok: true, heartbeatIntervalMs: 30_000 };
    const peerId = nodeIdFromPublicKey(new Uint8Array(32).fill(7));
    const answer = await index.heartbeat({ body: { peerId } }, { address, token: 'secret' });
    expect(answer).toEqual({ ok: true, heartbeatIntervalMs: 30_000 });
    expect(seen.at(-1)).toMatchObject({ url: '/api/v1/peers/heartbeat', auth: 'Bearer secret' });
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({ peerId });
  });

  it('fills params and query from the route table', async () => {
    answerFor = 'ok';
    currentAnswer = { items: [], total: 0, page: 1, pageSize: 5, tookMs: 1 };
    await index.search({ query: { q: 'sea turtle', pageSize: 5 } }, { address });
    expect(seen.at(-1)?.url).toMatch(/^\/api\/v1\/files\/search\?q=sea\+turtle&/);
    expect(seen.at(-1)?.url).toContain('pageSize=5');
  });

  it('refuses its own bad input before anything leaves, as the other node would (400)', async () => {
    const before = seen.length;
    const err = await failure(peer.getPieces({ params: { fileId: 'nope' } }, { address }));
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, rejected: true });
    expect(seen.length).toBe(before);
  });

  it('reads the catalogue code of a failed answer', async () => {
    answerFor = 'error';
    const err = await failure(index.stats(undefined, { address }));
    expect(err).toMatchObject({ status: 404, code: 'PEER_UNKNOWN', needsRegistration: true });
    expect(err.message).toBe(`${address} answered 404 PEER_UNKNOWN: who are you`);
  });

  it('names a failed answer without the catalogue body by its status', async () => {
    answerFor = 'plain-error';
    expect(await failure(index.stats(undefined, { address }))).toMatchObject({ status: 500, code: 'HTTP_ERROR', message: `${address} answered 500` });
  });

  it('never follows a redirect', async () => {
    answerFor = 'redirect';
    const before = seen.length;
    const err = await failure(index.stats(undefined, { address }));
    expect(err.code).toMatch(/^(UNREACHABLE|HTTP_ERROR)$/);
    expect(seen.length).toBe(before + 1); // /elsewhere was never asked
  });

  it('calls garbage, an oversized answer and the wrong shape one thing: UNEXPECTED_ANSWER', async () => {
    answerFor = 'garbage';
    expect(await failure(index.stats(undefined, { address }))).toMatchObject({ code: 'UNEXPECTED_ANSWER', status: 0 });
    answerFor = 'huge';
    expect(await failure(index.stats(undefined, { address, maxBytes: 64 * 1024 }))).toMatchObject({ code: 'UNEXPECTED_ANSWER', message: `${address} sent more than 65536 bytes` });
    answerFor = 'ok';
    currentAnswer = { hello: 'world' };
    expect(await failure(index.stats(undefined, { address }))).toMatchObject({ code: 'UNEXPECTED_ANSWER', message: `${address} sent an unexpected answer to stats` });
  });

  it('gives up on a slow answer at its timeout, and on a cancelled call at once', async () => {
    answerFor = 'slow';
    currentAnswer = stats;
    const started = Date.now();
    expect(await failure(index.stats(undefined, { address, timeoutMs: 200 }))).toMatchObject({ code: 'UNREACHABLE', message: `cannot reach ${address}: timed out` });
    // Its own 200 ms, not the transport's default 10 s: half that leaves a loaded machine room (1.5 s left it little).
    expect(Date.now() - started).toBeLessThan(5_000);
    const abort = new AbortController();
    const call = index.stats(undefined, { address, signal: abort.signal });
    abort.abort();
    expect(await failure(call)).toMatchObject({ code: 'UNREACHABLE', message: `cannot reach ${address}: cancelled` });
  });

  it('says a node that does not answer is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failure(index.stats(undefined, { address: `127.0.0.1:${port}` }))).toMatchObject({ code: 'UNREACHABLE', status: 0 });
  });
});

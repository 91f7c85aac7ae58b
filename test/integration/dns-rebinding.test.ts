// DNS rebinding and cross-origin pages: the UI and the control routes answer only requests
// addressed to the node's own names and addresses; /ws refuses a page from another origin.
// Other peers still read the public peer API under any name or address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from '../support/raw-http.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

let n: TestNode;

beforeAll(async () => {
  n = await startTestNode({ peer: { allowed_hosts: ['shoal.lan'] } });
});
afterAll(() => n.destroy());

const withToken = (host: string | null, target = '/api/v1/settings/transfers') =>
  rawRequest(n.port, { target, host, headers: { authorization: `Bearer ${n.token}` } });
const codeOf = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('the Host header', () => {
  it('must name the node on control routes: a rebound name gets 403 HOST_NOT_ALLOWED', async () => {
    for (const host of ['evil.example', `evil.example:${n.port}`, 'rebind.127.0.0.1.nip.io', 'localhost.evil.example']) {
      const res = await withToken(host);
      expect(res.status, host).toBe(403);
      expect(codeOf(res.body), host).toBe('HOST_NOT_ALLOWED');
    }
    // No Host at all: Node's HTTP server refuses it (400) before the node sees it.
    expect([400, 403]).toContain((await withToken(null)).status);
  });

  it('accepts loopback names and addresses, the machine\u2019s addresses and configured names', async () => {
    for (const host of [`127.0.0.1:${n.port}`, `localhost:${n.port}`, 'LOCALHOST', `[::1]:${n.port}`, `app.localhost:${n.port}`, `192.168.1.20:${n.port}`, `shoal.lan:${n.port}`, 'shoal.lan.']) {
      expect((await withToken(host)).status, host).toBe(200);
    }
  });

  it('must name the node for the web UI too', async () => {
    expect((await rawRequest(n.port, { target: '/', host: `evil.example:${n.port}` })).status).toBe(403);
    expect((await rawRequest(n.port, { target: '/transfers', host: `evil.example:${n.port}` })).status).toBe(403);
    expect((await rawRequest(n.port, { target: '/', host: `localhost:${n.port}` })).status).toBe(200);
  });

  it('may be anything on the public peer API, which other peers reach by IP or by name', async () => {
    for (const target of ['/api/v1/info', '/api/v1/files', '/api/v1/stats']) {
      expect((await rawRequest(n.port, { target, host: `peer.example.net:${n.port}` })).status, target).toBe(200);
    }
  });

  it('under a foreign name, a token does not make a public answer private', async () => {
    const res = await withToken(`evil.example:${n.port}`, '/api/v1/files');
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('"paths"');
  });
});

function openSocket(path: string, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${n.port}${path}`, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

describe('/ws and Origin', () => {
  const tokenPath = () => `/ws?token=${n.token}`;

  it('refuses a control socket to a page from another origin', async () => {
    expect(await openSocket(tokenPath(), { origin: 'http://evil.example' })).toBe(403);
    expect(await openSocket(tokenPath(), { origin: `http://127.0.0.1:${n.port + 1}` })).toBe(403);
    expect(await openSocket(tokenPath(), { origin: 'null' })).toBe(403);
  });

  it('refuses a rebound page even when Origin and Host agree', async () => {
    expect(await openSocket(tokenPath(), { origin: `http://evil.example:${n.port}`, host: `evil.example:${n.port}` })).toBe(403);
  });

  it('refuses the public socket to a page from another origin too', async () => {
    expect(await openSocket('/ws', { origin: 'https://evil.example' })).toBe(403);
  });

  it('opens for the node\u2019s own page and for clients that are not browsers', async () => {
    expect(await openSocket(tokenPath(), { origin: `http://127.0.0.1:${n.port}` })).toBe('open');
    expect(await openSocket(tokenPath(), { origin: `http://localhost:${n.port}`, host: `localhost:${n.port}` })).toBe('open');
    expect(await openSocket(tokenPath(), {})).toBe('open');
    expect(await openSocket('/ws', {})).toBe('open');
  });
});

// Heartbeats over real HTTP. Their plain form skips express (heartbeat-route.ts), every other form
// goes through it: both must answer alike. And sessions are checked from memory
// (peer-session-cache.ts), so every change of a peer's status or session must show at once.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes, type RegisterResponse } from '../../src-shared/api/index-routes.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { signedRegistration, startAddressResponder, type AddressResponder } from '../support/signed-registration.js';
import { typedClient } from '../support/typed-client.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';

let index: TestNode;
let port: number;

interface Answer { status: number; type: string | undefined; body: string }

/** The index's API; with a peer's session token when given. */
const idx = (token?: string) => typedClient(indexRoutes, `127.0.0.1:${port}`, token);

/** Raw, because the form of the request is what the first test varies. POSTs `body` as is; `chunked` sends it without a Content-Length (express's path). */
function post(path: string, body: string, o: { token?: string; chunked?: boolean; type?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': o.type ?? 'application/json' };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = Buffer.byteLength(body);
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const heartbeat = (body: unknown, token?: string, chunked = false) =>
  post('/api/v1/peers/heartbeat', typeof body === 'string' ? body : JSON.stringify(body), { token, chunked });
const code = (a: Answer) => (JSON.parse(a.body) as { error?: { code: string } }).error?.code;

const responders: AddressResponder[] = [];

/** Registers `peer` (made on first use: a key, and a real server answering the index's call-back). */
async function register(peer?: AddressResponder): Promise<RegisterResponse & { peer: AddressResponder }> {
  if (!peer) {
    peer = await startAddressResponder();
    responders.push(peer);
  }
  const registered = await idx().register({ body: signedRegistration(peer.key, { name: 'hb', port: peer.port, files: [] }, await idx().challenge()) });
  return { ...registered, peer };
}

async function statusOf(peerId: string): Promise<string | undefined> {
  const { items } = await idx().listPeers({ query: { pageSize: 200 } });
  return items.find((p) => p.peerId === peerId)?.status;
}

beforeAll(async () => {
  // A peer is removed cleanup_interval after its last heartbeat. At 2 s a loaded machine could
  // still be sending the first test's cases (each one twice) when its peer was removed, and
  // PEER_UNKNOWN would come back for the last ones; 500 ms heartbeats leave 1.5 s to see a peer back online.
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '500ms', cleanup_interval: '4s' } });
  const role = await index.client.getIndexRole();
  if (role.port === null) throw new Error('the index role did not start');
  port = role.port;
});
afterAll(async () => {
  await index.destroy();
  await Promise.all(responders.map((r) => r.close()));
});

describe('heartbeats', () => {
  it('answers the same with or without express, for good and bad input alike', async () => {
    const { sessionToken, peer } = await register();
    const peerId = peer.id;
    const other = await register();
    const cases: [string, unknown, string | undefined][] = [
      ['ok', { peerId, activeUploads: 1, freeUploadSlots: 2 }, sessionToken],
      ['defaults', { peerId }, sessionToken],
      ['no token', { peerId }, undefined],
      ['another peer’s token', { peerId }, other.sessionToken],
      ['unknown peer', { peerId: NodeKey.generate().id }, sessionToken],
      ['bad shape', { peerId, activeUploads: -1 }, sessionToken],
      ['not an id', { peerId: 'x' }, sessionToken],
      ['an array', [], sessionToken],
      ['not an object', '"peer"', sessionToken],
      ['broken JSON', '{"peerId":', sessionToken],
      ['a BOM, then JSON', `\ufeff${JSON.stringify({ peerId })}`, sessionToken],
    ];
    for (const [what, body, token] of cases) {
      const plain = await heartbeat(body, token);
      const viaExpress = await heartbeat(body, token, true);
      expect({ what, ...plain }).toEqual({ what, ...viaExpress });
    }
    expect(code(await heartbeat({ peerId }))).toBe('SESSION_INVALID');
    expect(code(await heartbeat({ peerId: NodeKey.generate().id }, sessionToken))).toBe('PEER_UNKNOWN');
    expect(code(await heartbeat('{"peerId":', sessionToken))).toBe('MALFORMED_JSON');
    expect(code(await heartbeat({ peerId: 'x' }, sessionToken))).toBe('VALIDATION_FAILED');
    const wrongType = await post('/api/v1/peers/heartbeat', JSON.stringify({ peerId }), { token: sessionToken, type: 'text/plain' });
    expect([wrongType.status, code(wrongType)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('follows the peer: offline and back, a new session, unregistered, removed', async () => {
    const first = await register();
    const peerId = first.peer.id;
    const beat = (token: string) => idx(token).heartbeat({ body: { peerId } });
    expect((await beat(first.sessionToken)).ok).toBe(true);
    await pollUntil(async () => (await statusOf(peerId)) === 'offline', 'silent peer offline');
    expect((await beat(first.sessionToken)).ok).toBe(true); // back online
    expect(await statusOf(peerId)).toBe('online');

    const second = await register(first.peer);
    await expect(beat(first.sessionToken)).rejects.toMatchObject({ code: 'SESSION_INVALID' });
    expect((await beat(second.sessionToken)).ok).toBe(true);

    expect(await idx(second.sessionToken).unregister({ body: { peerId } })).toEqual({ ok: true });
    await expect(beat(second.sessionToken)).rejects.toMatchObject({ code: 'SESSION_INVALID' });

    await pollUntil(async () => (await statusOf(peerId)) === undefined, 'offline peer removed', 12_000);
    await expect(beat(second.sessionToken)).rejects.toMatchObject({ code: 'PEER_UNKNOWN' }); // it registers again
  });
});

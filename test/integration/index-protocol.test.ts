// The index API over real HTTP, spoken by hand: registration, sessions, heartbeats, incremental
// updates, search, redirect, health, bad input. (index-network.test.ts runs real peers against it.)
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { indexRoutes, type IndexedFile, type RegisterResponse } from '../../src-shared/api/index-routes.js';
import type { ContractApi } from '../../src-shared/api/contract-client.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { postRegistration, signedRegistration, startAddressResponder, type AddressResponder } from '../support/signed-registration.js';
import { sha256 } from '../support/sha256.js';
import { typedClient } from '../support/typed-client.js';

type ErrorBody = { error: { code: string; message: string } };

/** An index server with its API, and the events of its /ws as they come. */
interface TestIndex {
  node: TestNode;
  base: string;
  /** The index's API without a session. */
  idx: ContractApi<typeof indexRoutes>;
  events: { type: string; data: unknown }[];
  ws: WebSocket;
}

async function startIndex(superPeer: Record<string, unknown>): Promise<TestIndex> {
  // Its fake peers all come from 127.0.0.1: the per-address limits (index-limits.test.ts) are off.
  const node = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, max_peers_per_address: 0, max_registrations_per_address: 0, ...superPeer } });
  const role = await node.client.getIndexRole();
  expect(role.state).toBe('on');
  const base = `http://127.0.0.1:${role.port}`;
  const events: TestIndex['events'] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${role.port}/ws`);
  ws.on('message', (m) => events.push(JSON.parse(String(m)) as { type: string; data: unknown }));
  await new Promise((resolve) => ws.once('open', resolve));
  return { node, base, idx: typedClient(indexRoutes, base), events, ws };
}

async function stopIndex(index: TestIndex | undefined): Promise<void> {
  index?.ws.close();
  await index?.node.destroy();
}

// The fake peers never heartbeat. With an interval of minutes none of them goes quiet while this
// file runs, however slowly it is scheduled: registering 25 peers took 3 s on a loaded machine,
// and with 300 ms heartbeats the first were offline, even removed, before the test looked.
// Going offline is tested on an index of its own with short intervals (below).
const HEARTBEAT_MS = 600_000;
let index: TestIndex;
let base: string;
/** The index's API without a session; `as(token)` is a peer's, with its session token. */
let idx: ContractApi<typeof indexRoutes>;
const as = (sessionToken: string) => typedClient(indexRoutes, base, sessionToken);

const file = (name: string, extra: Partial<IndexedFile> = {}): IndexedFile => ({
  id: sha256(name), name, size: 1000, mime: 'application/octet-stream', category: 'other', tags: [], pieceSize: 262144, ...extra,
});

// Raw, for input the contract refuses on purpose (bad JSON, wrong types): the typed client would not send it.
async function post(path: string, body: unknown): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

const responders: AddressResponder[] = [];

/** A peer that can register: a key, and a real server at its address answering the index's call-back. */
async function fakePeer(): Promise<AddressResponder> {
  const peer = await startAddressResponder();
  responders.push(peer);
  return peer;
}

async function register(peer: AddressResponder, files: IndexedFile[], on = idx): Promise<RegisterResponse> {
  return on.register({ body: signedRegistration(peer.key, { name: `peer-${peer.id.slice(0, 4)}`, port: peer.port, files }, await on.challenge()) });
}

/** A raw answer's catalogue error (for requests sent raw on purpose). */
async function expectError(res: Response, status: number, code: string): Promise<ErrorBody['error']> {
  expect(res.status).toBe(status);
  const { error } = (await res.json()) as ErrorBody;
  expect(error.code).toBe(code);
  return error;
}

const search = (query: { q: string; minSources?: number }) => idx.search({ query });

beforeAll(async () => {
  index = await startIndex({ heartbeat_interval: `${HEARTBEAT_MS}ms` });
  ({ base, idx } = index);
});
afterAll(async () => {
  await stopIndex(index);
  await Promise.all(responders.map((r) => r.close()));
});

describe('index protocol', () => {
  it('registers a peer with its files and finds them, grouped by id with sources', async () => {
    const a = await fakePeer();
    const b = await fakePeer();
    const shared = file('Big.Buck.Bunny.1080p.mkv', { category: 'video', size: 5_000_000 });
    await register(a, [shared, file('holidayPhotosAlbum.zip', { category: 'archive' })]);
    await register(b, [{ ...shared, name: 'bunny.mkv' }]);
    const result = await search({ q: 'bunny' });
    expect(result.total).toBe(1);
    const [hit] = result.items;
    expect(hit).toMatchObject({ id: shared.id, sourceCount: 2, size: 5_000_000, category: 'video' });
    expect(hit?.names.sort()).toEqual(['Big.Buck.Bunny.1080p.mkv', 'bunny.mkv']);
    expect(hit?.sources.map((s) => s.url).sort()).toEqual([
      `http://127.0.0.1:${a.port}/api/v1/download/${shared.id}`,
      `http://127.0.0.1:${b.port}/api/v1/download/${shared.id}`,
    ].sort());
    expect(hit?.sources.map((s) => s.peerId).sort()).toEqual([a.id, b.id].sort());
    expect((await search({ q: 'holiday' })).items.map((i) => i.name)).toEqual(['holidayPhotosAlbum.zip']); // camelCase split
    expect((await search({ q: 'photo' })).total).toBe(1); // prefix on the last word
    expect((await search({ q: 'photo ' })).total).toBe(0); // a trailing space: the whole word only
    expect((await search({ q: 'photos ' })).total).toBe(1);
    expect((await search({ q: 'bunn' })).totalIsEstimate).toBe(false);
    await pollUntil(() => index.events.some((e) => e.type === 'peer_registered') && index.events.some((e) => e.type === 'file_registered'), 'registration events');
  });

  it('keeps sessions: no peer can heartbeat, update or remove another', async () => {
    const a = await fakePeer();
    const b = await fakePeer();
    const sa = await register(a, [file('alpha-only.txt')]);
    const sb = await register(b, [file('beta-only.txt')]);
    await expect(idx.heartbeat({ body: { peerId: a.id } })).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    await expect(as(sb.sessionToken).heartbeat({ body: { peerId: a.id } })).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    await expect(as(sb.sessionToken).registerFiles({ body: { peerId: a.id, removed: [sha256('alpha-only.txt')] } })).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    await expect(as(sb.sessionToken).unregister({ body: { peerId: a.id } })).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    await expect(as(sa.sessionToken).heartbeat({ body: { peerId: NodeKey.generate().id } })).rejects.toMatchObject({ status: 404, code: 'PEER_UNKNOWN' });
    expect((await search({ q: 'alpha' })).total).toBe(1);
    const ok = await as(sa.sessionToken).heartbeat({ body: { peerId: a.id, activeUploads: 1, freeUploadSlots: 3 } });
    expect(ok.heartbeatIntervalMs).toBe(HEARTBEAT_MS);
  });

  it('applies incremental updates idempotently', async () => {
    const a = await fakePeer();
    const s = await register(a, [file('first.doc')]);
    const added = file('second.doc');
    for (let i = 0; i < 2; i++) {
      expect(await as(s.sessionToken).registerFiles({ body: { peerId: a.id, added: [added] } })).toEqual({ ok: true, files: 2 });
    }
    expect((await search({ q: 'second' })).total).toBe(1);
    for (let i = 0; i < 2; i++) {
      expect(await as(s.sessionToken).registerFiles({ body: { peerId: a.id, removed: [sha256('first.doc')] } })).toEqual({ ok: true, files: 1 });
    }
    expect((await search({ q: 'first' })).total).toBe(0);
  });

  it('answers one file with all its online sources, for a downloader', async () => {
    const shared = file('one-file-many-sources.bin', { size: 3_000_000 });
    const peers = await Promise.all(Array.from({ length: 25 }, () => fakePeer()));
    for (const peer of peers) await register(peer, [shared]);
    const one = await idx.getFile({ params: { fileId: shared.id } });
    expect(one).toMatchObject({ id: shared.id, sourceCount: 25, size: 3_000_000 });
    expect(one.sources).toHaveLength(25); // every source, not a search result's first 20
    await expect(idx.getFile({ params: { fileId: sha256('never registered') } })).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
    // Sent raw: the typed client refuses a malformed id before it leaves.
    await expectError(await fetch(`${base}/api/v1/files/not-an-id`), 400, 'VALIDATION_FAILED');
  });

  it('redirects a download to an online source, and tells unknown from unavailable', async () => {
    const a = await fakePeer();
    const f = file('redirect-me.iso');
    await register(a, [f]);
    // Raw: the answer is a redirect, read from its headers.
    const res = await fetch(`${base}/api/v1/download/${f.id}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`http://127.0.0.1:${a.port}/api/v1/download/${f.id}`);
    await expect(idx.download({ params: { fileId: sha256('nobody has this') } })).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
  });

  it('takes a silent peer offline after three intervals, out of results, then removes it', async () => {
    // An index of its own, with intervals short enough to watch and long enough for a slow machine
    // to look in between: the peer stays online 2.25 s after registering (three intervals), and is
    // removed 4.5 s after it, so it is offline and still indexed for 2.25 s.
    const quick = await startIndex({ heartbeat_interval: '750ms', cleanup_interval: '4500ms' });
    try {
      const a = await fakePeer();
      const f = file('soon-gone.flac', { category: 'audio' });
      await register(a, [f], quick.idx);
      const soon = (minSources?: number) => quick.idx.search({ query: { q: 'soon', minSources } });
      const saw = (type: string) => quick.events.some((e) => e.type === type && (e.data as { peerId: string }).peerId === a.id);
      expect((await soon()).total).toBe(1);
      await pollUntil(async () => (await soon()).total === 0, 'peer offline');
      await pollUntil(() => saw('peer_offline'), 'peer_offline event');
      await expect(quick.idx.download({ params: { fileId: f.id } })).rejects.toMatchObject({ status: 503, code: 'NO_SOURCE_ONLINE' });
      expect((await soon(0)).total).toBe(1); // still indexed, no online source
      await pollUntil(() => saw('peer_removed'), 'peer_removed event');
      await expect(quick.idx.download({ params: { fileId: f.id } })).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
    } finally {
      await stopIndex(quick);
    }
  });

  it('rejects bad input with a catalogue error and changes nothing', async () => {
    const before = await idx.stats();
    // Sent raw: each is input the contract refuses, which the typed client would not send.
    await expectError(await post('/api/v1/peers/register', '{"peerId":'), 400, 'MALFORMED_JSON');
    await expectError(await post('/api/v1/peers/register', { peerId: 'x', name: 'n', port: 1, files: [] }), 400, 'VALIDATION_FAILED');
    const stranger = NodeKey.generate();
    expect((await postRegistration(base, stranger, { name: 'n', port: 70000, files: [] })).status).toBe(400);
    await expectError(await postRegistration(base, stranger, { name: 'n', port: 1, files: [{ id: 'nope' } as IndexedFile] }), 400, 'VALIDATION_FAILED');
    await expectError(await fetch(`${base}/api/v1/files/search?pageSize=500`), 400, 'VALIDATION_FAILED');
    await expectError(await fetch(`${base}/api/v1/files/search?sort=random`), 400, 'VALIDATION_FAILED');
    await expectError(await fetch(`${base}/api/v1/download/..%2F..%2Fetc%2Fpasswd`), 400, 'VALIDATION_FAILED');
    // A peer of an older protocol is told so.
    const old = await postRegistration(base, stranger, { name: 'old', port: 1, files: [], protocol: 2 });
    const oldError = await expectError(old, 409, 'PROTOCOL_MISMATCH');
    expect(oldError.message).toMatch(/older Shoal \(protocol 2\).*protocol 3/);
    const after = await idx.stats();
    expect(after.peersTotal).toBe(before.peersTotal);
    expect(after.uniqueFiles).toBe(before.uniqueFiles);
  });

  it('describes itself in OpenAPI and as a topology', async () => {
    await register(await fakePeer(), [file('topology.txt')]);
    // The OpenAPI document is not a route of the contract: read raw.
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/peers/register', '/api/v1/peers/heartbeat', '/api/v1/files/search', '/api/v1/topology']));
    const topology = await idx.topology();
    expect(topology.nodes.filter((n) => n.role === 'index')).toHaveLength(1);
    expect(topology.nodes.filter((n) => n.role === 'peer').length).toBeGreaterThan(0);
  });
});

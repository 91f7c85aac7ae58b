// The peer's IndexClient against a small but real index server written here: node:http on
// 127.0.0.1, bodies validated with the contract's zod schemas, session tokens, 404 PEER_UNKNOWN /
// 401 SESSION_INVALID, a /ws that can say `index_stopping`, and a stop/restart on the same port.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { z } from 'zod';
import {
  ADDRESS_RECEIPT_TTL_MS,
  fileUpdateRequestSchema,
  heartbeatRequestSchema,
  MAX_FILES_PER_REQUEST,
  registerRequestSchema,
  transferReportSchema,
  unregisterRequestSchema,
  type AddressReceipt,
  type IndexedFile,
} from '../../src-shared/api/index-routes.js';
import type { SharedFile } from '../../src-shared/api/library.js';
import { EventBus } from '../../src-main/core/events/event-bus.js';
import { IndexClient, indexServerList, realTimers, type IndexClientOptions, type Timers } from '../../src-main/core/index-client/index-client.js';
import { pollUntil } from '../support/poll.js';
import { freePort } from '../support/free-port.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { registrationStatement, signedBy } from '../../src-main/core/identity/signed-statement.js';
import { PROTOCOL_VERSION } from '../../src-shared/api/protocol.js';
import { sha256 } from '../support/sha256.js';

/** The node id the fake index servers sign their (unchecked) receipts as. */
const RECEIPT_SIGNER = NodeKey.generate().id;

const file = (name: string): IndexedFile => ({ id: sha256(name), name, size: name.length, mime: 'text/plain', category: 'document', tags: ['txt'], pieceSize: 262144 });
const shared = (f: IndexedFile): SharedFile => ({ ...f, names: [f.name], userTags: [], pieceCount: 1, sharedAt: new Date().toISOString(), sha256: null });

interface Recorded {
  path: string;
  body: Record<string, unknown>;
  auth: string | undefined;
  at: number;
}

/** The index's side of the contract, faithfully enough for a client to be tested against it. */
class FakeIndex {
  heartbeatIntervalMs = 200;
  /** Answers this much later: an index server far away. */
  delayMs = 0;
  /** Refuses registrations as a full index server does (503 INDEX_FULL). */
  full = false;
  readonly indexId = randomUUID();
  /** What `at` is read from: the client's clock when a test gives the client its own. */
  clock: () => number = Date.now;
  /** The address receipts it gives (the client keeps and shows them, never checks them). */
  readonly receipts: AddressReceipt[] = [];
  readonly requests: Recorded[] = [];
  private readonly challenges = new Set<string>();
  readonly peers = new Map<string, { token: string; files: Map<string, IndexedFile>; online: boolean }>();
  port = 0;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private receipt(port: number): AddressReceipt {
    const receipt = { indexId: RECEIPT_SIGNER, address: '127.0.0.1', port, at: this.clock(), signature: `receipt-${this.receipts.length + 1}-of-${this.port}` };
    this.receipts.push(receipt);
    return receipt;
  }

  get sockets(): number {
    return this.wss?.clients.size ?? 0;
  }

  of(path: string): Recorded[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server, path: '/ws' });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** A restarted index: same port, no sessions (it forgot every peer). */
  async restart(): Promise<void> {
    await this.stop();
    this.peers.clear();
    await this.start();
  }

  forget(peerId: string): void {
    this.peers.delete(peerId);
  }

  invalidateSessions(): void {
    for (const peer of this.peers.values()) peer.token = randomBytes(8).toString('hex');
  }

  send(type: string, data: unknown): void {
    const message = JSON.stringify({ type, data, timestamp: new Date().toISOString() });
    for (const ws of this.wss?.clients ?? []) ws.send(message);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const fail = (status: number, code: string) => reply(status, { error: { code, message: code } });
    const path = new URL(req.url ?? '/', 'http://index').pathname;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (req.method === 'GET' && path === '/api/v1/stats') {
      return reply(200, { peersOnline: this.peers.size, peersTotal: this.peers.size, uniqueFiles: 0, availableFiles: 0, totalBytes: 0, searchesPerMinute: 0, registrations: 0, heartbeatsPerMinute: 0, uptimeSeconds: 1 });
    }
    if (req.method === 'GET' && path === '/api/v1/peers/challenge') {
      const challenge = randomBytes(12).toString('base64url');
      this.challenges.add(challenge);
      return reply(200, { indexId: this.indexId, challenge });
    }
    if (req.method !== 'POST') return fail(404, 'NOT_FOUND');
    if (!req.headers['content-type']?.startsWith('application/json')) return fail(415, 'UNSUPPORTED_MEDIA_TYPE');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
    } catch {
      return fail(400, 'MALFORMED_JSON');
    }
    this.requests.push({ path, body, auth: req.headers.authorization, at: this.clock() });
    const parse = <S extends z.ZodType>(schema: S): z.output<S> | undefined => {
      const parsed = schema.safeParse(body);
      if (!parsed.success) fail(400, 'VALIDATION_FAILED');
      return parsed.success ? parsed.data : undefined;
    };
    const session = (peerId: string) => {
      const peer = this.peers.get(peerId);
      if (!peer) return void fail(404, 'PEER_UNKNOWN');
      if (req.headers.authorization !== `Bearer ${peer.token}`) return void fail(401, 'SESSION_INVALID');
      return peer;
    };
    switch (path) {
      case '/api/v1/peers/register': {
        const input = parse(registerRequestSchema);
        if (!input) return;
        if (this.full) return fail(503, 'INDEX_FULL');
        // As the real index: a challenge of ours, once, signed by the key the peer id names.
        const signed = registrationStatement({ indexId: this.indexId, challenge: input.challenge, peerId: input.peerId, address: input.address, port: input.port });
        if (!this.challenges.delete(input.challenge) || !signedBy(input.peerId, signed, input.signature)) return fail(401, 'SIGNATURE_INVALID');
        const token = randomBytes(16).toString('hex');
        this.peers.set(input.peerId, { token, files: new Map(input.files.map((f) => [f.id, f])), online: true });
        return reply(200, { peerId: input.peerId, indexId: this.indexId, sessionToken: token, heartbeatIntervalMs: this.heartbeatIntervalMs, address: '127.0.0.1', protocol: PROTOCOL_VERSION, receipt: this.receipt(input.port) });
      }
      case '/api/v1/peers/heartbeat': {
        const input = parse(heartbeatRequestSchema);
        if (input && session(input.peerId)) reply(200, { ok: true, heartbeatIntervalMs: this.heartbeatIntervalMs, ...(input.renewReceipt ? { receipt: this.receipt(9001) } : {}) });
        return;
      }
      case '/api/v1/files/register': {
        const input = parse(fileUpdateRequestSchema);
        const peer = input && session(input.peerId);
        if (!input || !peer) return;
        for (const f of input.added) peer.files.set(f.id, f);
        for (const id of input.removed) peer.files.delete(id);
        return reply(200, { ok: true, files: peer.files.size });
      }
      case '/api/v1/peers/unregister': {
        const input = parse(unregisterRequestSchema);
        const peer = input && session(input.peerId);
        if (!peer) return;
        peer.online = false;
        return reply(200, { ok: true });
      }
      case '/api/v1/transfers/report': {
        const input = parse(transferReportSchema);
        if (input && session(input.peerId)) reply(200, { ok: true, counted: true, weight: 1, effect: 2 }); // the contract's answer: the client checks it
        return;
      }
      default:
        return fail(404, 'NOT_FOUND');
    }
  }
}

/** Real timers that count what is pending, to see that stop() leaves none. */
function countingTimers(): Timers & { pending: Set<unknown> } {
  const pending = new Set<unknown>();
  return {
    pending,
    now: realTimers.now,
    setTimeout(fn, ms) {
      const handle: unknown = realTimers.setTimeout(() => {
        pending.delete(handle);
        fn();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      realTimers.clearTimeout(handle);
    },
  };
}

/**
 * A clock that moves only while the client sleeps: each timer fires at once in real time, the clock
 * jumping to its due time. The gap between two requests is then exactly the wait the client chose,
 * however long a loaded machine takes to run the requests themselves.
 */
function jumpingTimers(): Timers {
  let now = Date.now();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const due = now + Math.max(0, ms);
      return realTimers.setTimeout(() => {
        now = Math.max(now, due);
        fn();
      }, 0);
    },
    clearTimeout: realTimers.clearTimeout,
  };
}

const indexes: FakeIndex[] = [];
const clients: IndexClient[] = [];
const key = NodeKey.generate();
const peerId = key.id;
const otherPeer = NodeKey.generate().id;

async function startIndex(): Promise<FakeIndex> {
  const index = await new FakeIndex().start();
  indexes.push(index);
  return index;
}

const quickTuning = { batchDelayMs: 150, backoffMinMs: 50, backoffMaxMs: 300, failoverAfter: 3, awayMs: 1_000, preferredCheckMs: 300, idleRecheckMs: 100, requestTimeoutMs: 2_000, unregisterTimeoutMs: 1_000 };

function startClient(servers: string[] | IndexClientOptions['servers'], extra: Partial<IndexClientOptions> = {}) {
  const bus = new EventBus();
  let entries = [file('alpha.txt'), file('beta.txt'), file('gamma.txt')];
  const client = new IndexClient({
    identity: { key, name: 'test peer', port: 9001, version: '0.1.0' },
    servers: Array.isArray(servers) ? () => servers : servers,
    entries: () => entries,
    bus,
    logger: pino({ level: 'silent' }),
    tuning: quickTuning,
    ...extra,
  });
  clients.push(client);
  client.start();
  return { client, bus, setEntries: (list: IndexedFile[]) => (entries = list) };
}

const registered = (client: IndexClient, server?: string) =>
  pollUntil(() => client.status().state === 'registered' && (!server || client.status().server === server), `registered${server ? ` with ${server}` : ''}`);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(indexes.splice(0).map((i) => i.stop()));
});

describe('IndexClient against a real HTTP index', () => {
  it('registers with its full list, then heartbeats at the interval the index gives, with its load', async () => {
    const index = await startIndex();
    index.heartbeatIntervalMs = 150;
    // The intervals are read on the client's own clock, which moves only while it waits: on the wall
    // clock each gap also held the request's round trip and the timer's lateness, and a loaded
    // machine stretched a 150 ms interval past any bound tight enough to tell it from another.
    const timers = jumpingTimers();
    index.clock = timers.now;
    const { client } = startClient([index.address], { timers, load: () => ({ activeUploads: 2, freeUploadSlots: 5 }) });
    await registered(client, index.address);

    const [reg] = index.of('/api/v1/peers/register');
    expect(reg?.auth).toBeUndefined();
    expect(reg?.body).toMatchObject({ peerId, name: 'test peer', port: 9001, version: '0.1.0', partial: false });
    expect((reg?.body.files as IndexedFile[]).map((f) => f.name).sort()).toEqual(['alpha.txt', 'beta.txt', 'gamma.txt']);
    expect(client.status()).toMatchObject({ state: 'registered', server: index.address, lastError: null, servers: [{ address: index.address, source: 'configured', state: 'registered' }] });
    expect(client.registration).toEqual({ server: index.address, indexId: index.indexId });

    const beats = await pollUntil(() => (index.of('/api/v1/peers/heartbeat').length >= 5 ? index.of('/api/v1/peers/heartbeat') : undefined), 'five heartbeats');
    const token = index.peers.get(peerId)?.token;
    for (const beat of beats) {
      expect(beat.auth).toBe(`Bearer ${token}`);
      expect(beat.body).toEqual({ peerId, activeUploads: 2, freeUploadSlots: 5 });
    }
    const gapsOf = (list: Recorded[]) => list.slice(1).map((b, i) => b.at - (list[i] as Recorded).at);
    expect(gapsOf(beats).every((gap) => gap === 150), gapsOf(beats).join(' ')).toBe(true);

    // A heartbeat's answer may change the interval: the beat after the first answer saying so waits the new one.
    index.heartbeatIntervalMs = 400;
    const changedAt = index.of('/api/v1/peers/heartbeat').length; // the beats answered from here on say 400
    const later = await pollUntil(() => (index.of('/api/v1/peers/heartbeat').length >= changedAt + 4 ? index.of('/api/v1/peers/heartbeat') : undefined), 'three beats at the new interval');
    expect(gapsOf(later.slice(0, changedAt + 1)).every((gap) => gap === 150), gapsOf(later).join(' ')).toBe(true);
    expect(gapsOf(later.slice(changedAt, changedAt + 4))).toEqual([400, 400, 400]);
  });

  it('registers a library larger than one request as a partial registration and follow-up batches', async () => {
    const index = await startIndex();
    const many = Array.from({ length: MAX_FILES_PER_REQUEST + 7 }, (_, i) => file(`file-${i}.txt`));
    const { client } = startClient([index.address], { entries: () => many });
    await registered(client);
    const [reg] = index.of('/api/v1/peers/register');
    expect(reg?.body.partial).toBe(true);
    expect(reg?.body.files).toHaveLength(MAX_FILES_PER_REQUEST);
    const [rest] = index.of('/api/v1/files/register');
    expect(rest?.body.added).toHaveLength(7);
    expect(index.peers.get(peerId)?.files.size).toBe(MAX_FILES_PER_REQUEST + 7);
  });

  it('sends library changes as one coalesced batch', async () => {
    const index = await startIndex();
    const { client, bus } = startClient([index.address]);
    await registered(client);
    const added = ['one.txt', 'two.txt', 'three.txt'].map(file);
    for (const f of added) bus.publish('library_file_updated', shared(f));
    bus.publish('library_file_removed', { id: sha256('alpha.txt') });
    bus.publish('library_file_removed', { id: sha256('three.txt') }); // added then removed: only the removal counts
    bus.publish('hashing_progress', { queuedFiles: 0, queuedBytes: 0, hashing: null } as never); // not a library change

    const [batch] = await pollUntil(() => (index.of('/api/v1/files/register').length > 0 ? index.of('/api/v1/files/register') : undefined), 'a batch');
    expect(batch?.auth).toBe(`Bearer ${index.peers.get(peerId)?.token}`);
    expect((batch?.body.added as IndexedFile[]).map((f) => f.name)).toEqual(['one.txt', 'two.txt']);
    expect(batch?.body.added).toEqual([file('one.txt'), file('two.txt')]);
    expect((batch?.body.removed as string[]).sort()).toEqual([sha256('alpha.txt'), sha256('three.txt')].sort());
    expect([...(index.peers.get(peerId)?.files.keys() ?? [])].sort()).toEqual([sha256('beta.txt'), sha256('gamma.txt'), sha256('one.txt'), sha256('two.txt')].sort());
  });

  it('registers again with its full list when the index forgot it (404 PEER_UNKNOWN, 401 SESSION_INVALID)', async () => {
    const index = await startIndex();
    const { client, setEntries } = startClient([index.address]);
    await registered(client);
    setEntries([file('alpha.txt'), file('delta.txt')]);
    index.forget(peerId);
    const again = await pollUntil(() => index.of('/api/v1/peers/register')[1], 'a second registration');
    expect((again.body.files as IndexedFile[]).map((f) => f.name)).toEqual(['alpha.txt', 'delta.txt']);
    await registered(client);

    index.invalidateSessions();
    await pollUntil(() => index.of('/api/v1/peers/register')[2], 'a third registration');
    await registered(client);
    const beats = index.of('/api/v1/peers/heartbeat').length;
    await pollUntil(() => index.of('/api/v1/peers/heartbeat').length > beats, 'heartbeats with the new session');
    expect(client.status().lastError).toBeNull();
  });

  it('backs off while the index is down and registers again when it comes back', async () => {
    const index = await startIndex();
    const { client } = startClient([index.address]);
    await registered(client);
    await index.stop();
    await pollUntil(() => client.status().state === 'backoff', 'backoff');
    expect(client.status().lastError).toContain(index.address);
    await pollUntil(() => ['failing', 'away'].includes(client.status().servers[0]?.state ?? ''), 'the server shown as failing');
    await index.restart(); // forgets every peer, like a real restarted index
    await registered(client);
    expect(index.of('/api/v1/peers/register')).toHaveLength(2);
    const beats = index.of('/api/v1/peers/heartbeat').length;
    await pollUntil(() => index.of('/api/v1/peers/heartbeat').length > beats, 'heartbeats again');
  });

  it('says for every other index server whether it answers, with the error and when it was asked', async () => {
    const used = await startIndex();
    const standby = await startIndex();
    const dead = `127.0.0.1:${await freePort()}`;
    const notAnIndex = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"uptimeSeconds":1}'));
    await new Promise<void>((resolve) => notAnIndex.listen(0, '127.0.0.1', resolve));
    const peerPort = `127.0.0.1:${(notAnIndex.address() as AddressInfo).port}`;
    try {
      const { client } = startClient([used.address, standby.address, dead, peerPort], { tuning: { ...quickTuning, probeOthersMs: 100 } });
      await registered(client, used.address);
      const servers = await pollUntil(() => {
        const list = client.status().servers;
        return list.every((s) => s.reachable !== null) && typeof list[1]?.rttMs === 'number' && list;
      }, 'every server asked');
      expect(servers).toMatchObject([
        { address: used.address, source: 'configured', state: 'registered', reachable: true, lastError: null, lastTriedAt: expect.any(String) },
        { address: standby.address, source: 'configured', state: 'standby', reachable: true, lastError: null, lastTriedAt: expect.any(String), rttMs: expect.any(Number) },
        { address: dead, source: 'configured', state: 'standby', reachable: false, lastError: expect.stringContaining('ECONNREFUSED'), lastTriedAt: expect.any(String), rttMs: null },
        { address: peerPort, source: 'configured', state: 'standby', reachable: false, lastError: expect.stringContaining('not a Shoal index server'), lastTriedAt: expect.any(String), rttMs: null },
      ]);
      expect(standby.of('/api/v1/peers/register')).toHaveLength(0); // asked, not registered with
      // A server that stops answering says so at the next round.
      await standby.stop();
      await pollUntil(() => client.status().servers[1]?.reachable === false, 'the stopped standby seen');
    } finally {
      await new Promise((resolve) => notAnIndex.close(resolve));
    }
  });

  it('moves to the nearest index server once it has measured them, and no further on jitter', async () => {
    const far = await startIndex();
    far.delayMs = 150;
    const near = await startIndex();
    const { client } = startClient([far.address, near.address], { tuning: { ...quickTuning, probeOthersMs: 100, preferredCheckMs: 200 } });
    await registered(client, near.address); // first far (nothing measured yet), then near
    expect(far.of('/api/v1/peers/register')).toHaveLength(1);
    expect(client.status().servers.map((s) => s.address)).toEqual([near.address, far.address]);
    expect(client.status().servers[1]?.rttMs).toBeGreaterThanOrEqual(100);
    await pollUntil(() => far.of('/api/v1/peers/unregister').length === 1, 'left the far one');
    // Near and far now equal within the margin: it stays where it is.
    far.delayMs = 0;
    await pollUntil(() => (client.status().servers.find((s) => s.address === far.address)?.rttMs ?? 99) < 20, 'the far one measured near');
    expect(client.status().server).toBe(near.address);
    expect(far.of('/api/v1/peers/register')).toHaveLength(1);
  });

  it('notices at once when its index server dies without a word (its socket drops), not a heartbeat interval later', async () => {
    const first = await startIndex();
    first.heartbeatIntervalMs = 60_000;
    const second = await startIndex();
    const { client } = startClient([first.address, second.address]);
    await registered(client, first.address);
    await pollUntil(() => first.sockets === 1, 'the client listening on /ws');
    await first.stop(); // no index_stopping: the process is simply gone
    const stoppedAt = Date.now();
    await registered(client, second.address);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000); // the next heartbeat would have been a minute away
  });

  it('moves on at once from a full index server', async () => {
    const full = await startIndex();
    full.full = true;
    const other = await startIndex();
    const { client } = startClient([full.address, other.address]);
    await registered(client, other.address);
    expect(full.of('/api/v1/peers/register')).toHaveLength(1); // asked once, not failoverAfter times
    expect(client.status().servers[0]).toMatchObject({ address: full.address, state: 'away' });
  });

  it('moves to the next index server when one stays away, and back to the preferred one later', async () => {
    const first = await startIndex();
    const second = await startIndex();
    const { client } = startClient([first.address, second.address]);
    await registered(client, first.address);
    await first.stop();
    await registered(client, second.address);
    expect(client.status().servers).toMatchObject([
      { address: first.address, source: 'configured', state: 'away', reachable: false, lastError: expect.stringContaining('ECONNREFUSED'), lastTriedAt: expect.any(String), rttMs: null },
      { address: second.address, source: 'configured', state: 'registered', reachable: true, lastError: null, lastTriedAt: expect.any(String) },
    ]);
    await first.restart();
    await registered(client, first.address);
    // It left the fallback politely.
    const [leave] = await pollUntil(() => (second.of('/api/v1/peers/unregister').length ? second.of('/api/v1/peers/unregister') : undefined), 'unregister on the fallback');
    expect(leave?.body).toEqual({ peerId });
  });

  it('shows its last address receipt to the next index server (a failover), and asks for a new one when it is half its life old', async () => {
    const first = await startIndex();
    const second = await startIndex();
    const { client } = startClient([first.address, second.address]);
    await registered(client, first.address);
    expect(first.of('/api/v1/peers/register')[0]?.body.receipt).toBeUndefined(); // none held yet
    const given = first.receipts[0];
    await first.stop();
    await registered(client, second.address);
    expect(second.of('/api/v1/peers/register')[0]?.body.receipt).toEqual(given);

    // On its own clock: heartbeats a minute apart ask for a new receipt once the held one is past half its life.
    const timers = jumpingTimers();
    const index = await startIndex();
    index.clock = timers.now;
    index.heartbeatIntervalMs = 60_000;
    const other = startClient([index.address], { timers });
    await registered(other.client, index.address);
    const beats = await pollUntil(() => (index.of('/api/v1/peers/heartbeat').length >= 8 ? index.of('/api/v1/peers/heartbeat') : undefined), 'eight heartbeats');
    let heldAt = (index.receipts[0] as AddressReceipt).at;
    const expected = beats.map((b) => {
      const ask = b.at - heldAt > ADDRESS_RECEIPT_TTL_MS / 2;
      if (ask) heldAt = b.at; // the answer's receipt, fresh again
      return ask;
    });
    expect(beats.map((b) => b.body.renewReceipt === true)).toEqual(expected);
    expect(expected.filter(Boolean).length).toBeGreaterThan(0);
    expect(index.receipts).toHaveLength(1 + expected.filter(Boolean).length);
  });

  it('moves at once when its index says index_stopping on /ws', async () => {
    const first = await startIndex();
    // Still up and answering, with its next heartbeat a minute away: only the message can move the
    // client before then (timed against 1.5 s, a loaded machine's slow round trips were counted too).
    first.heartbeatIntervalMs = 60_000;
    const second = await startIndex();
    const { client } = startClient([first.address, second.address], {
      tuning: { batchDelayMs: 150, backoffMinMs: 50, backoffMaxMs: 300, awayMs: 60_000, preferredCheckMs: 300 },
    });
    await registered(client, first.address);
    await pollUntil(() => first.sockets === 1, 'the client listening on /ws');
    const sentAt = Date.now();
    first.send('index_stopping', { indexId: first.indexId });
    await registered(client, second.address);
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(client.status().servers[0]?.state).toBe('away');
    await pollUntil(() => second.sockets === 1, 'listening on the new index');
    expect(first.of('/api/v1/peers/register')).toHaveLength(1); // the first one, still up, is left alone
  });

  it('waits idle with no index server, and starts when one is listed (discovered ones after configured)', async () => {
    const index = await startIndex();
    let discovered: { address: string }[] = [];
    const { client } = startClient(indexServerList(() => [], () => discovered));
    await pollUntil(() => client.status().state === 'idle' && client.status().servers.length === 0, 'idle');
    discovered = [{ address: index.address }];
    client.refresh();
    await registered(client, index.address);
    expect(client.status().servers).toMatchObject([{ address: index.address, source: 'discovered', state: 'registered', reachable: true }]);
  });

  it('reports transfers with its session', async () => {
    const index = await startIndex();
    const { client } = startClient([index.address]);
    expect(await client.reportTransfer({ sourcePeerId: otherPeer, fileId: sha256('x'), outcome: 'verified', bytes: 10 })).toBe(false);
    await registered(client);
    expect(await client.reportTransfer({ sourcePeerId: otherPeer, fileId: sha256('x'), outcome: 'verified', bytes: 10 })).toBe(true);
    const [report] = index.of('/api/v1/transfers/report');
    expect(report?.body).toEqual({ peerId, sourcePeerId: otherPeer, fileId: sha256('x'), outcome: 'verified', bytes: 10 });
    expect(report?.auth).toBe(`Bearer ${index.peers.get(peerId)?.token}`);
  });

  it('unregisters on stop and leaves no timer behind', async () => {
    const index = await startIndex();
    const timers = countingTimers();
    const { client, bus } = startClient([index.address], { timers });
    await registered(client);
    bus.publish('library_file_updated', shared(file('late.txt'))); // a batch pending at stop
    const token = index.peers.get(peerId)?.token;
    await client.stop();
    const [leave] = index.of('/api/v1/peers/unregister');
    expect(leave?.body).toEqual({ peerId });
    expect(leave?.auth).toBe(`Bearer ${token}`);
    expect(index.peers.get(peerId)?.online).toBe(false);
    expect(timers.pending.size).toBe(0);
    expect(client.status()).toMatchObject({ state: 'idle', server: null });
    await pollUntil(() => index.sockets === 0, 'the socket to the index closed'); // its close handshake is asynchronous
  });

  it('stops promptly while its index is down', async () => {
    const index = await startIndex();
    const timers = countingTimers();
    // A backoff of half a minute or more: a stop that waited it out, rather than cutting it short,
    // takes that long. The bound below is that, not scheduling: the leaving call is bounded by
    // unregisterTimeoutMs (1 s here) and an index that is down refuses it at once (timed against
    // 1.5 s, with 300 ms backoffs a loaded machine's slow stop failed and a waited-out one passed).
    const { client } = startClient([index.address], { timers, tuning: { ...quickTuning, backoffMinMs: 30_000, backoffMaxMs: 60_000 } });
    await registered(client);
    await index.stop();
    await pollUntil(() => client.status().state === 'backoff', 'backoff');
    const before = Date.now();
    await client.stop();
    expect(Date.now() - before).toBeLessThan(10_000);
    expect(timers.pending.size).toBe(0);
  });
});

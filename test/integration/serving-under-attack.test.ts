// Serving that one client can't starve (issue 13, items 6 and 7), against a real node over
// loopback: download connections that never read, more connections than the node allows, and
// floods of requests. Every client here comes from 127.0.0.1, as the local user does: the local
// user is told apart by the control token, never by address.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SharedFile } from '../../src-shared/api/library.js';
import { askOn } from '../support/raw-http.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    sockets.push(socket);
    socket.once('error', reject);
  });
}

/** Sends one GET and never reads a byte of the answer: its TCP window fills, and the node's writes wait. */
async function neverReading(port: number, target: string): Promise<Socket> {
  const socket = await open(port);
  socket.pause();
  socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  return socket;
}


async function shareOneFile(n: TestNode, size: number): Promise<SharedFile> {
  await writeFile(join(n.sharedDir, 'big.bin'), randomBytes(size));
  return pollUntil(async () => (await n.client.listFiles()).items[0], 'the file shared', 20_000);
}

describe('download connections that never read', () => {
  let n: TestNode;
  let file: SharedFile;
  // The slots stay held this long after their writes stop: the checks on them (a stranger refused,
  // the local user served) must be done by then, however slowly a loaded machine schedules them.
  const STALL_MS = 5_000;

  beforeAll(async () => {
    n = await startTestNode({ transfers: { max_uploads: 16, max_uploads_per_peer: 4, upload_stall_timeout: `${STALL_MS}ms` } });
    file = await shareOneFile(n, 16 * 1024 * 1024);
  });
  afterAll(() => n.destroy());

  // Slots are range requests being answered (the stats' count); the uploads list has one row per downloader and file.
  const slotsHeld = async () => (await n.publicClient.getStats()).uploads.active;

  it('one address holds at most its share of the slots, the local user still gets one, and stalled uploads are cut', async () => {
    const started = Date.now();
    await Promise.all(Array.from({ length: 16 }, () => neverReading(n.port, `/api/v1/download/${file.id}`)));
    const held = await pollUntil(async () => {
      const active = await slotsHeld();
      return active >= 4 && active;
    }, 'the node serving the stalled connections');
    expect(held).toBe(4);
    expect((await n.client.listUploads()).items).toHaveLength(1); // one downloader, one file

    // Downloads stay raw: ranges, Retry-After and the bytes are read from the answer itself.
    // Another client from that address gets no more than the share; the local user is not counted in it.
    const stranger = await n.api(`/api/v1/download/${file.id}`, { auth: false, headers: { range: 'bytes=0-1023' } });
    expect(stranger.status).toBe(503);
    expect(Number(stranger.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe('UPLOADS_FULL');
    const mine = await n.api(`/api/v1/download/${file.id}`, { headers: { range: 'bytes=0-1023' } });
    expect(mine.status).toBe(206);
    expect((await mine.arrayBuffer()).byteLength).toBe(1024);

    // No slot stays held by a socket that takes nothing: all are free soon after the stall timeout
    // (well before any other timeout of the server's could free them: a minute and more).
    await pollUntil(async () => (await slotsHeld()) === 0, 'every stalled upload cut', STALL_MS + 15_000);
    expect(Date.now() - started).toBeLessThan(STALL_MS + 10_000);
    const after = await n.api(`/api/v1/download/${file.id}`, { auth: false, headers: { range: 'bytes=0-1023' } });
    expect(after.status).toBe(206);
    await after.arrayBuffer();
  }, 40_000);

  it('a client that reads gets the whole file', async () => {
    const res = await n.api(`/api/v1/download/${file.id}`, { auth: false });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(file.size);
  });
});

/** Opens `count` connections one after another, so the node accepts them in this order. */
async function openMany(port: number, count: number): Promise<Socket[]> {
  const opened: Socket[] = [];
  for (let i = 0; i < count; i++) opened.push(await open(port));
  return opened;
}

describe('more connections than the node allows', () => {
  let n: TestNode;
  beforeAll(async () => {
    n = await startTestNode({ security: { max_connections: 10, max_connections_per_address: 1000 } });
  });
  afterAll(() => n.destroy());

  it('answers max_connections of them; the rest get 503 with Retry-After; the local user is still answered', async () => {
    const opened = await openMany(n.port, 30);
    const answers = await Promise.all(opened.map((socket) => askOn(socket, '/api/v1/info')));
    const served = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 503);
    expect(served).toBe(10);
    expect(refused.length).toBe(20);
    for (const a of refused) {
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
      expect((JSON.parse(a.body) as { error: { code: string } }).error.code).toBe('CONNECTIONS_FULL');
    }
    // The local user's request on yet another connection: over the limit, and answered.
    const [mine] = await openMany(n.port, 1);
    expect((await askOn(mine as Socket, '/api/v1/settings/transfers', { authorization: `Bearer ${n.token}` })).status).toBe(200);

    for (const socket of opened) socket.destroy();
    await pollUntil(async () => (await askOn((await openMany(n.port, 1))[0] as Socket, '/api/v1/info')).status === 200, 'a free connection once the others closed');
  }, 20_000);
});

describe('more connections from one address than it may hold', () => {
  let n: TestNode;
  beforeAll(async () => {
    n = await startTestNode({ security: { max_connections: 1000, max_connections_per_address: 5 } });
  });
  afterAll(() => n.destroy());

  it('answers five; the others get 429 TOO_MANY_CONNECTIONS with Retry-After', async () => {
    const opened = await openMany(n.port, 12);
    const answers = await Promise.all(opened.map((socket) => askOn(socket, '/api/v1/info')));
    expect(answers.filter((a) => a.status === 200).length).toBe(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBe(7);
    for (const a of refused) {
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
      expect((JSON.parse(a.body) as { error: { code: string } }).error.code).toBe('TOO_MANY_CONNECTIONS');
    }
  });
});

describe('a flood of requests', () => {
  let n: TestNode;
  const WINDOW_MS = 2_000;
  // Low enough that even a machine too loaded to make more than 25 requests a second goes over it
  // within a window (with 200, a slow run could stay under it for the whole flood).
  const PER_WINDOW = 50;
  beforeAll(async () => {
    n = await startTestNode({ security: { max_connections: 1000, max_connections_per_address: 1000, max_requests_per_address: PER_WINDOW, request_window: `${WINDOW_MS}ms` } });
  });
  afterAll(() => n.destroy());

  it('gets 429 with Retry-After past the per-address rate, while the local user is answered every time', async () => {
    const statuses = new Map<number, number>();
    let rateLimited: Response | undefined;
    const started = Date.now();
    const until = started + 8_000;
    let localDone = false;
    // Raw: each refusal's status and Retry-After header are what is counted.
    // 100 clients in a loop, at most 40 requests each, until they have been refused and the local
    // user is done (bounded in time and count, and no slower machine makes it pass by luck).
    const flood = Array.from({ length: 100 }, async () => {
      for (let i = 0; i < 40 && Date.now() < until && !(rateLimited && localDone); i++) {
        const res = await n.api('/api/v1/info', { auth: false });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 429) rateLimited ??= res.clone();
        await res.arrayBuffer();
      }
    });
    const mine: number[] = [];
    const local = (async () => {
      for (let i = 0; i < 10; i++) {
        mine.push(await n.client.getTransferSettings().then(() => 200, (err: { status: number }) => err.status));
        mine.push(await n.client.getInfo().then(() => 200, (err: { status: number }) => err.status));
      }
      localDone = true;
    })();
    await Promise.all([...flood, local]);

    expect(mine.every((status) => status === 200)).toBe(true);
    // At most PER_WINDOW a window (the local user's calls are not counted), however many windows the flood took.
    expect(statuses.get(200) ?? 0).toBeLessThanOrEqual(PER_WINDOW * Math.ceil((Date.now() - started) / WINDOW_MS));
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].every((status) => status === 200 || status === 429)).toBe(true);
    const limited = rateLimited as Response;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');

    // The window passes: the address is served again.
    await pollUntil(() => n.publicClient.getInfo().then(() => true), 'the address served again', WINDOW_MS + 5_000, 200);
  }, 20_000);
});

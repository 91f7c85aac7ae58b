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
import type { UploadView } from '../../src-shared/api/transfers.js';
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
  return pollUntil(async () => (await n.json<{ items: SharedFile[] }>('/api/v1/files')).items[0], 'the file shared', 20_000);
}

describe('download connections that never read', () => {
  let n: TestNode;
  let file: SharedFile;
  const STALL_MS = 2_000;

  beforeAll(async () => {
    n = await startTestNode({ transfers: { max_uploads: 16, max_uploads_per_peer: 4, upload_stall_timeout: `${STALL_MS}ms` } });
    file = await shareOneFile(n, 16 * 1024 * 1024);
  });
  afterAll(() => n.destroy());

  const uploads = async () => (await n.json<{ items: UploadView[] }>('/api/v1/uploads')).items;

  it('one address holds at most its share of the slots, the local user still gets one, and stalled uploads are cut', async () => {
    const started = Date.now();
    await Promise.all(Array.from({ length: 16 }, () => neverReading(n.port, `/api/v1/download/${file.id}`)));
    const held = await pollUntil(async () => {
      const list = await uploads();
      return list.length >= 4 && list;
    }, 'the node serving the stalled connections');
    expect(held.length).toBe(4);

    // Another client from that address gets no more than the share; the local user is not counted in it.
    const stranger = await n.api(`/api/v1/download/${file.id}`, { auth: false, headers: { range: 'bytes=0-1023' } });
    expect(stranger.status).toBe(503);
    expect(Number(stranger.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe('UPLOADS_FULL');
    const mine = await n.api(`/api/v1/download/${file.id}`, { headers: { range: 'bytes=0-1023' } });
    expect(mine.status).toBe(206);
    expect((await mine.arrayBuffer()).byteLength).toBe(1024);

    // No slot stays held by a socket that takes nothing: all are free soon after the stall timeout.
    await pollUntil(async () => (await uploads()).length === 0, 'every stalled upload cut', 10_000);
    expect(Date.now() - started).toBeLessThan(STALL_MS + 5_000);
    const after = await n.api(`/api/v1/download/${file.id}`, { auth: false, headers: { range: 'bytes=0-1023' } });
    expect(after.status).toBe(206);
    await after.arrayBuffer();
  }, 30_000);

  it('a client that reads gets the whole file', async () => {
    const res = await n.api(`/api/v1/download/${file.id}`, { auth: false });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(file.size);
  });
});

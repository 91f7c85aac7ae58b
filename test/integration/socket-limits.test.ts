// WebSocket clients that never read: one address gets a few sockets, not a hundred; a socket
// whose send buffer passes the limit is dropped, so the node's memory stays bounded and the
// local user's socket keeps its events.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SharedFile } from '../../src-shared/api/library.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

let n: TestNode;
const clients: WebSocket[] = [];

beforeAll(async () => {
  n = await startTestNode();
  await writeFile(join(n.sharedDir, 'one.txt'), 'one');
  const page = await pollUntil(async () => {
    const p = await n.client.listFiles();
    return p.items.length === 1 && p;
  }, 'one file shared');
  shared = page.items[0]!;
});
afterAll(async () => {
  for (const ws of clients) ws.terminate();
  await n.destroy();
});

/** A real ws client that stops reading as soon as it is open (its TCP window fills). */
function neverReading(path = '/ws'): Promise<{ ws: WebSocket; status: number | 'open' }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${n.port}${path}`);
    clients.push(ws);
    ws.once('open', () => {
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      resolve({ ws, status: 'open' });
    });
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ ws, status: 0 }));
  });
}

/** A hundred never-reading sockets from one address: those the node let in, and how many it refused. */
async function stallSockets(): Promise<{ stalled: WebSocket[]; refused: number }> {
  const results = await Promise.all(Array.from({ length: 100 }, () => neverReading()));
  return { stalled: results.filter((r) => r.status === 'open').map((r) => r.ws), refused: results.filter((r) => r.status === 503).length };
}

let shared: SharedFile;

/** A public event of about 1 MiB: a real file's, with many long names (the public view keeps names). */
function bigEvent(i: number): SharedFile {
  return { ...shared, name: `big-${i}`, names: Array.from({ length: 64 }, () => 'n'.repeat(16 * 1024)) };
}

describe('sockets that never read', () => {
  it('one address holds at most a few; the rest are refused with 503', async () => {
    const { stalled, refused } = await stallSockets();
    try {
      expect(stalled.length).toBeGreaterThan(0);
      expect(stalled.length).toBeLessThanOrEqual(16);
      expect(refused).toBe(100 - stalled.length);
    } finally {
      for (const ws of stalled) ws.terminate();
    }
  });

  it('are dropped once their send buffer passes the limit; memory stays bounded; the local user hears everything', async () => {
    const local = new WebSocket(`ws://127.0.0.1:${n.port}/ws?token=${n.token}`);
    clients.push(local);
    const heard: string[] = [];
    local.on('message', (data: Buffer) => {
      const type = (JSON.parse(data.toString('utf8')) as { type: string }).type;
      if (type === 'library_file_updated') heard.push(type);
    });
    await new Promise((resolve) => local.once('open', resolve));
    // Stalled sockets of its own, once the node has let go of any an earlier test left.
    const stalled = await pollUntil(async () => {
      const { stalled: open } = await stallSockets();
      return open.length > 0 && open;
    }, 'stalled sockets let in');
    const closed = stalled.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));

    const base = process.memoryUsage();
    let peak = 0;
    for (let i = 0; i < 40; i++) {
      n.bus.publish('library_file_updated', bigEvent(i));
      const now = process.memoryUsage();
      peak = Math.max(peak, now.arrayBuffers - base.arrayBuffers);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // 40 MiB to each of up to 16 stalled sockets would be 640 MiB; dropped ones hold nothing.
    expect(peak).toBeLessThan(96 * 1024 * 1024);

    for (const ws of stalled) (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000));
    expect(await Promise.race([Promise.all(closed).then(() => 'all closed'), timeout])).toBe('all closed');
    await pollUntil(() => heard.length >= 40, 'the local user to hear all 40 events');
    expect(heard.length).toBe(40);
    expect(local.readyState).toBe(WebSocket.OPEN);
  }, 30_000);
});

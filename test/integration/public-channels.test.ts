// What strangers see on the public channels (the /ws without token, public GET /api/v1/stats):
// names inside the shared folder, never a local path. The local user's socket still gets them.
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SharedFile } from '../../src-shared/api/library.js';
import type { NodeStats } from '../../src-shared/api/node.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

type Message = { type: string; data: unknown };

let n: TestNode;
const publicMessages: string[] = [];
const localMessages: string[] = [];
const publicStats: string[] = [];
const sockets: WebSocket[] = [];

async function listen(url: string, into: string[]): Promise<void> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  ws.on('message', (data: Buffer) => into.push(data.toString('utf8')));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  n = await startTestNode();
  await n.library.whenReady();
  const wsUrl = n.url.replace('http', 'ws');
  await listen(`${wsUrl}/ws`, publicMessages);
  await listen(`${wsUrl}/ws?token=${n.token}`, localMessages);
  // Large enough that hashing spans several progress events (at most four a second) on any
  // machine: 2 GiB, sparse, so nothing is written and its reads are the kernel's zeros.
  await mkdir(join(n.sharedDir, 'private-project'));
  const big = await open(join(n.sharedDir, 'private-project', 'big.bin'), 'w');
  await big.truncate(2 * 1024 ** 3);
  await big.close();
  await writeFile(join(n.sharedDir, 'notes.txt'), 'notes');
  // Raw: the answer's text, as a stranger gets it, is what must not name a path (a schema would drop an unnamed field).
  const sampler = setInterval(() => {
    void n.api('/api/v1/stats', { auth: false }).then(async (res) => publicStats.push(await res.text()));
  }, 20);
  try {
    await pollUntil(async () => (await n.client.listFiles()).total === 2, 'both files hashed', 60_000);
    await n.library.whenIdle();
    // The coalesced stats_update after the last change, on both sockets: they carry it too.
    const settled = (messages: string[]) => messages.some((m) => {
      const { type, data } = JSON.parse(m) as { type: string; data: NodeStats };
      return type === 'stats_update' && data.files === 2 && data.hashing.current.length === 0;
    });
    await pollUntil(() => settled(publicMessages) && settled(localMessages), 'the stats_update after the last change');
  } finally {
    clearInterval(sampler);
  }
}, 90_000);
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await n.destroy();
});

const types = (messages: string[]) => new Set(messages.map((m) => (JSON.parse(m) as Message).type));

describe('the public /ws', () => {
  it('carries library and hashing events without any local path', () => {
    expect(types(publicMessages)).toContain('library_file_updated');
    expect(types(publicMessages)).toContain('hashing_progress');
    for (const message of publicMessages) expect(message).not.toContain(n.root);
  });

  it('names a file being hashed by its name', () => {
    const progress = publicMessages.map((m) => JSON.parse(m) as { type: string; data: NodeStats['hashing'] }).filter((m) => m.type === 'hashing_progress');
    const names = progress.flatMap((m) => m.data.current.map((c) => c.path));
    expect(names).toContain('big.bin');
  });

  it('still gives the local user the paths', () => {
    const updated = localMessages.map((m) => JSON.parse(m) as { type: string; data: SharedFile }).filter((m) => m.type === 'library_file_updated');
    expect(updated.flatMap((m) => m.data.paths ?? [])).toContain(join(n.sharedDir, 'notes.txt'));
    expect(localMessages.some((m) => m.includes(join(n.sharedDir, 'private-project', 'big.bin')))).toBe(true);
  });
});

describe('public GET /api/v1/stats', () => {
  it('never shows a local path, even while hashing', async () => {
    expect(publicStats.length).toBeGreaterThan(5);
    const during = publicStats.map((s) => JSON.parse(s) as NodeStats).filter((s) => s.hashing.current.length > 0);
    expect(during.length).toBeGreaterThan(0);
    for (const body of publicStats) expect(body).not.toContain(n.root);
    const local = await n.client.getStats();
    expect(local.hashing).toBeDefined();
  });
});

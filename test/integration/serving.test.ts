// Serving a file through recycled read buffers (range-sender.ts, from one pool every request
// shares): every byte lands right across buffer boundaries and across requests served at once,
// with and without an upload rate limit, and a client that leaves mid-file costs
// the node nothing (no crash from an unhandled rejection, the upload ends, the next client is served).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { fileIdOf } from '../support/reference-tree.js';

const MiB = 1024 * 1024;
let n: TestNode;
const content = randomBytes(5 * MiB + 12_345);
const id = fileIdOf(content);

beforeAll(async () => {
  // Twelve ranges at once from one address: more than the 4 upload slots one address may hold by default.
  n = await startTestNode({ transfers: { max_uploads_per_peer: 16 } });
  await writeFile(join(n.sharedDir, 'reef.bin'), content);
  await pollUntil(async () => (await n.client.listFiles()).total === 1, 'file hashed');
});
afterAll(() => n.destroy());

const setUploadRate = (maxUploadRate: number) => n.client.setTransferSettings({ body: { maxUploadRate } });

// Downloads stay raw here: ranges, bytes and cut connections are what is tested.

describe('serving', () => {
  it('sends every byte of ranges that cross the read buffers', async () => {
    for (const [start, end] of [[0, content.length - 1], [MiB - 1, 3 * MiB + 1], [2 * MiB, 2 * MiB], [content.length - 10, content.length - 1]] as const) {
      const res = await n.api(`/api/v1/download/${id}`, { auth: false, headers: { range: `bytes=${start}-${end}` } });
      expect(res.status).toBe(206);
      expect(Buffer.from(await res.arrayBuffer()).equals(content.subarray(start, end + 1))).toBe(true);
    }
  });

  it('keeps the bytes of each answer its own while many share the pool at once', async () => {
    const ranges = Array.from({ length: 12 }, (_, i) => [i * 400_000, Math.min(content.length - 1, i * 400_000 + 2 * MiB)] as const);
    await Promise.all(ranges.map(async ([start, end]) => {
      const res = await n.api(`/api/v1/download/${id}`, { auth: false, headers: { range: `bytes=${start}-${end}` } });
      expect(res.status).toBe(206);
      expect(Buffer.from(await res.arrayBuffer()).equals(content.subarray(start, end + 1))).toBe(true);
    }));
  });

  it('sends the same bytes in even slices under an upload rate limit', async () => {
    expect((await setUploadRate(8 * MiB)).maxUploadRate).toBe(8 * MiB);
    try {
      const res = await n.api(`/api/v1/download/${id}`, { auth: false });
      expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    } finally {
      await setUploadRate(0);
    }
  });

  it('shrugs off a client that leaves mid-file', async () => {
    await setUploadRate(2 * MiB); // slow enough that the client leaves while bytes are still due
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${n.url}/api/v1/download/${id}`, (res) => {
          res.once('data', () => {
            req.destroy(); // gone after the first bytes
            resolve();
          });
        });
        req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
      });
      await pollUntil(async () => (await n.client.listUploads()).items.length === 0, 'the upload ended');
    } finally {
      await setUploadRate(0);
    }
    const again = await n.api(`/api/v1/download/${id}`, { auth: false });
    expect(Buffer.from(await again.arrayBuffer()).equals(content)).toBe(true);
  });
});

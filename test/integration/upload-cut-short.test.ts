// A web upload whose multipart body ends in the middle of a file (no closing boundary): a clear
// 400, nothing left on disk, and the node keeps running. Before, busboy's "Unexpected end of form"
// reached the part stream with nobody listening: an uncaught exception, so a crashed node.
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/test-node.js';

let n: TestNode;
beforeAll(async () => {
  n = await startTestNode();
});
afterAll(async () => {
  await n.destroy();
});

describe('an upload cut short', () => {
  it('is refused with 400, writes nothing and leaves the node running', async () => {
    // Raw: a broken multipart body is what the typed client (JSON bodies) could never send.
    for (const tail of ['hello, this file never ends', '', 'partial\r\n--B']) {
      const body = `--B\r\nContent-Disposition: form-data; name="file"; filename="never-ends.txt"\r\nContent-Type: text/plain\r\n\r\n${tail}`;
      const res = await n.api('/api/v1/files/upload', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=B' }, body });
      expect(res.status, JSON.stringify(tail)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    }
    expect((await readdir(n.sharedDir)).filter((f) => f.includes('never-ends') || f.startsWith('.shoal-upload-'))).toEqual([]);
    expect((await n.client.getInfo()).id).toBe(n.id);
  });
});

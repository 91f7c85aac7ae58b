// A file served often keeps its checked handle open a moment (library/kept-handles.ts, issue 13):
// the next range reuses it, but only while the handle's stamp still matches what was hashed. A
// file edited in place right after a range, or unshared, is never served from the kept handle.
import { randomBytes } from 'node:crypto';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedFile } from '../../src-shared/api/library.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

let n: TestNode;
beforeAll(async () => {
  n = await startTestNode();
});
afterAll(() => n.destroy());

async function share(name: string, content: Buffer): Promise<SharedFile> {
  await writeFile(join(n.sharedDir, name), content);
  return pollUntil(async () => (await n.json<{ items: SharedFile[] }>('/api/v1/files')).items.find((f) => f.name === name), `${name} shared`, 20_000);
}

const range = (id: string) => n.api(`/api/v1/download/${id}`, { auth: false, headers: { range: 'bytes=0-1023' } });

describe('the kept handle of a file just served', () => {
  it('serves ranges one after another, then nothing of the old content once the file is edited in place', async () => {
    const content = randomBytes(256 * 1024);
    const file = await share('edited.bin', content);
    for (let i = 0; i < 3; i++) {
      const res = await range(file.id);
      expect(res.status).toBe(206);
      expect(Buffer.from(await res.arrayBuffer()).equals(content.subarray(0, 1024))).toBe(true);
    }
    // Same size, same inode, other bytes and another mtime: the kept handle's stamp no longer matches.
    const path = join(n.sharedDir, 'edited.bin');
    await writeFile(path, randomBytes(content.length));
    await utimes(path, new Date(), new Date(Date.now() + 60_000));
    const after = await range(file.id);
    await after.arrayBuffer();
    expect([404, 409]).toContain(after.status); // FILE_CHANGED, or gone once re-hashed under its new id
  });

  it('is not lent once the file is unshared', async () => {
    const file = await share('unshared.bin', randomBytes(64 * 1024));
    expect((await range(file.id)).status).toBe(206);
    const res = await n.api(`/api/v1/files/unshare/${file.id}`, { method: 'DELETE' });
    expect(res.ok).toBe(true);
    expect((await range(file.id)).status).toBe(404);
  });
});

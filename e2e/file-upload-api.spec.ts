// POST /api/v1/files/upload against a real node: names never overwrite, folders stay folders,
// a file over max_file_size writes nothing, and only the local user may upload.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';

function form(files: { name: string; content: string }[]): FormData {
  const body = new FormData();
  for (const f of files) body.append('file', new Blob([f.content]), f.name);
  return body;
}

test('uploads land in the shared folder under safe, unique names', async ({ startNode }) => {
  const node = await startNode();
  const first = await node.api('/api/v1/files/upload', { method: 'POST', body: form([{ name: 'notes.txt', content: 'one' }, { name: 'trip/day 1/../.hidden', content: 'two' }]) });
  expect(first.status).toBe(200);
  const again = await node.api('/api/v1/files/upload', { method: 'POST', body: form([{ name: 'notes.txt', content: 'three' }]) });
  expect((await again.json()).files[0].name).toBe('notes (1).txt');
  expect(await readFile(join(node.sharedDir, 'notes.txt'), 'utf8')).toBe('one');
  expect(await readFile(join(node.sharedDir, 'notes (1).txt'), 'utf8')).toBe('three');
  const files = await readdir(node.sharedDir, { recursive: true });
  expect(files.sort()).toEqual(['notes (1).txt', 'notes.txt', 'trip', 'trip/day 1', 'trip/day 1/_', 'trip/day 1/_/hidden'].sort());
});

test('a file over max_file_size is refused and nothing is written, not even its folders', async ({ startNode }) => {
  const node = await startNode({ env: { SHOAL_PEER_MAX_FILE_SIZE: '1KB' } });
  const files = [{ name: 'small.txt', content: 'ok' }, { name: 'album/disc 1/big.bin', content: 'x'.repeat(5000) }];
  const res = await node.api('/api/v1/files/upload', { method: 'POST', body: form(files) });
  expect(res.status).toBe(413);
  expect((await res.json()).error.code).toBe('FILE_TOO_LARGE');
  expect(await readdir(node.sharedDir)).toEqual([]);
});

test('only the local user with the token may upload', async ({ startNode }) => {
  const node = await startNode();
  const res = await fetch(`${node.url}/api/v1/files/upload`, { method: 'POST', body: form([{ name: 'x.txt', content: 'x' }]) });
  expect(res.status).toBe(401);
  expect((await res.json()).error.code).toBe('UNAUTHORIZED');
  const wrongType = await node.api('/api/v1/files/upload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect((await wrongType.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  expect(await readdir(node.sharedDir)).toEqual([]);
});

test('an upload cut short leaves nothing behind', async ({ startNode }) => {
  const node = await startNode();
  const boundary = 'shoal-test-boundary';
  const { request } = await import('node:http');
  const req = request(`${node.url}/api/v1/files/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '1000000' },
  });
  req.on('error', () => undefined); // the socket is cut on purpose
  req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.bin"\r\n\r\n`);
  req.write('x'.repeat(64 * 1024));
  // Wait until the node has started writing the part, then hang up.
  await expect.poll(async () => (await readdir(node.sharedDir)).length).toBe(1);
  req.destroy();
  await expect.poll(async () => readdir(node.sharedDir)).toEqual([]);
});

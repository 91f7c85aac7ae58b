// Names from a browser upload survive byte-exact (NFC) from the multipart body to the disk, the
// library, the index and a search on another peer. Browsers write a part's file name as raw UTF-8
// in `filename="…"` (no RFC 5987 `filename*`), so the bodies here are built byte by byte that way.
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadResponseSchema } from '../../src-shared/api/peer-routes.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { freePort } from '../support/free-port.js';

/** What was dropped (as the browser names it) and the name it must have everywhere after. */
const dropped = [
  { sent: 'Ünïcödé Mötörhead.mp3', kept: 'Ünïcödé Mötörhead.mp3', search: 'motorhead' },
  { sent: 'Músicá/Ñandú.txt', kept: 'Músicá/Ñandú.txt', search: 'ñandú' },
  { sent: 'Fish 🐟 and 🎵 notes.txt', kept: 'Fish 🐟 and 🎵 notes.txt', search: 'fish notes' },
  { sent: '日本語のファイル.txt', kept: '日本語のファイル.txt', search: '日本語のファイル' },
  { sent: 'שלום עולם.txt', kept: 'שלום עולם.txt', search: 'שלום' },
  { sent: 'مرحبا بالعالم.pdf', kept: 'مرحبا بالعالم.pdf', search: 'مرحبا' },
  // macOS hands out decomposed names (NFD); they are kept composed (NFC), as the rest of the network spells them.
  { sent: 'Cafe\u0301 de\u0301ja\u0300 vu.txt', kept: 'Café déjà vu.txt', search: 'cafe deja' },
];

/** A multipart body as Chromium and Firefox send it: the file name as raw UTF-8 bytes. */
function browserMultipart(files: { name: string; content: string }[]): { body: Buffer; type: string } {
  const boundary = '----ShoalFormBoundary7MA4YWxkTrZu0gW';
  const chunks: Buffer[] = [];
  for (const f of files) {
    // The HTML spec's escaping of a file name: only ", CR and LF are percent-encoded.
    const name = f.name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`, 'utf8'));
    chunks.push(Buffer.from(f.content, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

/** Every path under `root` as the bytes the file system holds (Node 20's recursive readdir cannot give buffers). */
async function namesOnDisk(root: string, prefix = Buffer.alloc(0)): Promise<Buffer[]> {
  const found: Buffer[] = [];
  for (const entry of await readdir(Buffer.concat([Buffer.from(root), prefix]), { withFileTypes: true, encoding: 'buffer' })) {
    const path = Buffer.concat([prefix, Buffer.from('/'), entry.name as Buffer]);
    found.push(path.subarray(1));
    if (entry.isDirectory()) found.push(...(await namesOnDisk(root, path)));
  }
  return found;
}

let index: TestNode;
let uploader: TestNode;
let searcher: TestNode;

beforeAll(async () => {
  const indexPort = await freePort();
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: indexPort, heartbeat_interval: '300ms' } });
  const peer = { super_peer_address: [`127.0.0.1:${indexPort}`] };
  [uploader, searcher] = await Promise.all([startTestNode({ peer }), startTestNode({ peer })]);
});
afterAll(async () => {
  await Promise.all([uploader, searcher, index].filter(Boolean).map((n) => n.destroy()));
});

describe('non-ASCII names through the web upload', () => {
  it('are written to disk byte-exact (NFC), folders too, and answered as sent', async () => {
    // One request per file, as the web UI sends them; each with distinct content, so each is its own file id.
    for (const [i, f] of dropped.entries()) {
      const { body, type } = browserMultipart([{ name: f.sent, content: `file ${i}: ${f.kept}` }]);
      // Raw: a multipart body as a browser sends it, which the typed client (JSON bodies) does not; the answer read with its route's schema.
      const res = await uploader.api('/api/v1/files/upload', { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status).toBe(200);
      const answer = uploadResponseSchema.parse(await res.json());
      expect(answer.files.map((x) => x.name)).toEqual([f.kept.split('/').pop()]);
    }
    const onDisk = (await namesOnDisk(uploader.sharedDir)).map((b) => b.toString('hex')).sort();
    const expected = [...dropped.map((f) => f.kept), 'Músicá'].map((n) => Buffer.from(n, 'utf8').toString('hex')).sort();
    expect(onDisk).toEqual(expected);
  });

  it('are listed by the library under the same names', async () => {
    const names = dropped.map((f) => f.kept.split('/').pop() as string).sort();
    const listed = await pollUntil(async () => {
      const page = await uploader.client.listFiles({ query: { pageSize: 100 } });
      return page.items.length === dropped.length && page.items.map((f) => f.name).sort();
    }, 'every uploaded file to be hashed and shared', 20_000);
    expect(listed).toEqual(names);
  });

  it('are found under the same names by a search on another peer', async () => {
    for (const f of dropped) {
      const name = f.kept.split('/').pop() as string;
      const found = await pollUntil(async () => {
        const answer = await searcher.client.searchNetwork({ query: { q: f.search } });
        return answer.items.find((item) => item.name === name);
      }, `a search for "${f.search}" to find ${name}`, 20_000);
      expect(Buffer.from(found.name).equals(Buffer.from(name))).toBe(true);
    }
  });
});

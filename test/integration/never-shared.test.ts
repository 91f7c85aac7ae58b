// Shoal's own state is never shared, whatever the config says: a data folder inside the shared
// folder is left out (with a warning at start-up), and system secrets cannot be shared by hand.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { sha256 } from '../support/sha256.js';

let n: TestNode;
let temp: { path: string; remove(): Promise<void> };
const logLines: string[] = [];

beforeAll(async () => {
  temp = await makeTempDir();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  // `--shared X --data X/appdata`
  const dataDir = join(temp.path, 'shared', 'appdata');
  n = await startTestNode({ root: temp.path, dataDir, logger: pino({ level: 'info' }, sink) });
  await writeFile(join(n.sharedDir, 'hello.txt'), 'hello, stranger');
  await pollUntil(async () => (await n.client.listFiles()).total === 1, 'hello.txt shared');
  await n.library.whenIdle();
});
afterAll(async () => {
  await n.stop();
  await temp.remove();
});

describe('a data folder inside the shared folder', () => {
  it('is left out of the library: not listed, not hashed', async () => {
    // The database keeps changing under the watched folder. A file written after those changes
    // marks when the watcher has seen them: once it is listed, so would they be.
    await n.client.shareFiles({ body: { path: join(n.sharedDir, 'hello.txt') } });
    await writeFile(join(n.sharedDir, 'marker.txt'), 'written after the database changed');
    await pollUntil(async () => (await n.client.listFiles({ query: { pageSize: 100 } })).total === 2, 'marker.txt shared', 30_000);
    await n.library.whenIdle();
    const page = await n.client.listFiles({ query: { pageSize: 100 } });
    expect(page.items.flatMap((f) => f.paths ?? []).sort()).toEqual([join(n.sharedDir, 'hello.txt'), join(n.sharedDir, 'marker.txt')]);
    expect(n.library.hashingStatus().hashedFiles).toBe(2);
    const publicPage = await n.publicClient.listFiles({ query: { pageSize: 100 } });
    expect(publicPage.items.map((f) => f.name).sort()).toEqual(['hello.txt', 'marker.txt']);
  }, 60_000);

  it('cannot be downloaded: the token file is not served under its content id', async () => {
    const token = await readFile(join(n.dataDir, 'control-token'));
    // A file of one 16 KiB block: its id is the SHA-256 of its bytes (whole-file or tree hash alike).
    const id = sha256(token);
    await expect(n.publicClient.download({ params: { fileId: id } })).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
  });

  it('is named in a warning at start-up', () => {
    const warnings = logLines.map((line) => JSON.parse(line) as { level: number; excluded?: string }).filter((l) => l.level === 40);
    expect(warnings.some((w) => w.excluded === n.dataDir)).toBe(true);
  });

  it('cannot be shared by hand, nor can a folder holding it', async () => {
    for (const path of [n.dataDir, join(n.dataDir, 'shoal.db'), join(n.dataDir, 'control-token')]) {
      await expect(n.client.shareFiles({ body: { path } }), path).rejects.toMatchObject({ status: 403, code: 'PATH_NOT_SHAREABLE' });
    }
  });
});

describe('system secrets', () => {
  it('are refused with 403 PATH_NOT_SHAREABLE and nothing is shared', async () => {
    // Compared by paths: other fields (a background whole-file SHA-256) may fill in meanwhile.
    const paths = async () => (await n.client.listFiles({ query: { pageSize: 100 } })).items.flatMap((f) => f.paths ?? []).sort();
    const before = await paths();
    for (const path of ['/etc/shadow', '/proc/self/environ', '/proc', '/sys/kernel', '/dev', '/etc', '/']) {
      await expect(n.client.shareFiles({ body: { path } }), path).rejects.toMatchObject({ status: 403, code: 'PATH_NOT_SHAREABLE' });
    }
    await n.library.whenIdle();
    expect(await paths()).toEqual(before);
  });
});

// NodeHost, the desktop app's node: one event stream that survives a restart with new folders,
// and the paths it may open (shared or downloaded files, nothing else).
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NodeHost } from '../../src-main/electron/node-host.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';

let dir: Awaited<ReturnType<typeof makeTempDir>>;
let host: NodeHost;
const choices = (shared: string) => ({ sharedDirectory: join(dir.path, shared), downloadDirectory: join(dir.path, 'downloads'), peerPort: 0, indexPort: 0 });

beforeAll(async () => {
  dir = await makeTempDir();
  await Promise.all([mkdir(join(dir.path, 'a')), mkdir(join(dir.path, 'b'))]);
  host = new NodeHost({ dataDirectory: join(dir.path, 'data'), logger: pino({ level: 'silent' }), env: { SHOAL_PEER_LAN_DISCOVERY: 'false' }, homedir: dir.path, platform: process.platform, hostname: 'host-test' });
  await host.start(choices('a'));
});
afterAll(async () => {
  await host.stop();
  await dir.remove();
});

it('keeps one event stream across a restart, and knows only its own files', async () => {
  const seen: string[] = [];
  const stop = host.subscribe((event) => {
    if (event.type === 'library_file_removed') seen.push((event.data as { id: string }).id);
  });
  host.current.bus.publish('library_file_removed', { id: 'a'.repeat(64) });
  const first = host.current;
  await host.restart(choices('b'));
  expect(host.current).not.toBe(first);
  host.current.bus.publish('library_file_removed', { id: 'b'.repeat(64) });
  first.bus.publish('library_file_removed', { id: 'c'.repeat(64) }); // the stopped node is no longer heard
  stop();
  host.current.bus.publish('library_file_removed', { id: 'd'.repeat(64) });
  expect(seen).toEqual(['a'.repeat(64), 'b'.repeat(64)]);

  const file = join(dir.path, 'b', 'notes.txt');
  await writeFile(file, 'notes');
  await pollUntil(() => host.knows(file), 'the shared file is known', 15_000);
  expect(host.knows(join(dir.path, 'a', 'notes.txt'))).toBe(false);
  expect(host.knows('/etc/passwd')).toBe(false);
});

it('a taken peer port makes the desktop node take any free one', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, resolve));
  const port = (busy.address() as AddressInfo).port;
  try {
    await host.restart({ ...choices('a'), peerPort: port });
    expect(host.current.port).not.toBe(port);
    expect(host.current.port).toBeGreaterThan(0);
  } finally {
    busy.close();
  }
});

// A download with more sources than it uses at once (transfers.max_sources_per_download, 2 here):
// it measures its round trip to each and uses the near ones; a far one (a real node behind a
// proxy that holds every request 300 ms, given by address so it even comes first in the order)
// waits as a standby and is asked for no byte while the near ones serve, and takes over when a
// near one dies, so the download still finishes.
import { readFile } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { bytesSent, randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { delayingProxy, type Proxy } from '../support/tcp-proxies.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const DELAY_MS = 300;
const FIRST = randomContent(6 * 1024 * 1024);
const SECOND = randomContent(8 * 1024 * 1024);
let index: TestNode;
const near: TestNode[] = [];
let far: TestNode;
let proxy: Proxy;
let downloader: TestNode;

const farSource = (d: DownloadView) => d.sources.find((s) => s.url.includes(`:${proxy.port}/`));
const nearSources = (d: DownloadView) => d.sources.filter((s) => !s.url.includes(`:${proxy.port}/`));

beforeAll(async () => {
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '500ms' } });
  const indexAddress = `127.0.0.1:${(await index.client.getIndexRole()).port}`;
  // Slow uploads (1 MB/s each), so a download lasts long enough to be looked at and to lose a source.
  const transfers = { max_upload_rate: '1MB' };
  near.push(...await Promise.all([0, 1].map(() => startTestNode({ peer: { super_peer_address: [indexAddress] }, transfers }))));
  far = await startTestNode({ transfers }); // registered nowhere: reached only through the proxy
  for (const node of [...near, far]) {
    await writeFile(join(node.sharedDir, 'first.bin'), FIRST.data);
    await writeFile(join(node.sharedDir, 'second.bin'), SECOND.data);
  }
  proxy = await delayingProxy(far.port, DELAY_MS);
  downloader = await startTestNode({ peer: { super_peer_address: [indexAddress] }, transfers: { max_sources_per_download: 2 } });
  const atIndex = typedClient(indexRoutes, indexAddress);
  for (const file of [FIRST, SECOND]) {
    await pollUntil(() => atIndex.getFile({ params: { fileId: file.id } }).then((f) => f.sourceCount === 2), 'two near sources at the index', 20_000);
  }
  await pollUntil(async () => (await far.client.listFiles()).total === 2, 'the far node to hash its files');
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await Promise.all([...near, far, downloader, index].map((n) => n.destroy()));
});

describe('a download with more sources than it uses at once', () => {
  it('uses the near sources; the far one is a standby and is asked for no range', async () => {
    const started = await startDownload(downloader, { fileId: FIRST.id, peer: `127.0.0.1:${proxy.port}` });
    // While it runs: the far source waits, measured as far; the near ones serve.
    const running = await waitForDownload(downloader, started.id, (d) => d.state === 'downloading' && farSource(d)?.state === 'standby' && nearSources(d).every((s) => s.state !== 'standby' && s.rttMs !== null));
    expect(running.sources).toHaveLength(3);
    expect(farSource(running)?.rttMs).toBeGreaterThanOrEqual(DELAY_MS);
    const done = await waitForDownload(downloader, started.id, 'completed', 30_000);
    expect((await readFile(done.path!)).equals(FIRST.data)).toBe(true);
    expect(farSource(done)?.bytes).toBe(0);
    expect(nearSources(done).reduce((sum, s) => sum + s.bytes, 0)).toBe(FIRST.data.length);
    // The far node never answered a range: it sent no byte of the file.
    expect(await bytesSent(far)).toBe(0);
  });

  it('finishes with the standby when a near source dies', async () => {
    const started = await startDownload(downloader, { fileId: SECOND.id, peer: `127.0.0.1:${proxy.port}` });
    await waitForDownload(downloader, started.id, (d) => d.bytesVerified > 0 && farSource(d)?.state === 'standby');
    await near[0]!.stop();
    const done = await waitForDownload(downloader, started.id, 'completed', 40_000);
    expect((await readFile(done.path!)).equals(SECOND.data)).toBe(true);
    expect(farSource(done)?.bytes).toBeGreaterThan(0);
    expect(await bytesSent(far)).toBeGreaterThan(0);
  });
});

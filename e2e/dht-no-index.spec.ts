// Sources without an index server (issue 15): no index server anywhere. Alice runs the DHT (a
// private one: she is its bootstrap node); Bob turns "Find and offer sources without an index
// server" on in Settings, pastes a shoal:// link, and downloads the file from Alice, bytes intact.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { saveScreen } from './support/screens.js';

/** A UDP port free a moment ago on 127.0.0.1 (the private DHT's bootstrap node needs a known one). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

test('with no index server, a shoal:// link is downloaded through the DHT once Settings turns it on', async ({ page, startNode }, testInfo) => {
  const port = await freeUdpPort();
  const bootstrap = `127.0.0.1:${port}`;
  const alice = await startNode({ env: { SHOAL_DHT_ENABLED: 'true', SHOAL_DHT_PORT: String(port), SHOAL_DHT_BOOTSTRAP: bootstrap } });
  const content = randomBytes(600 * 1024);
  const name = `harbour-${Date.now()}.bin`;
  await writeFile(join(alice.sharedDir, name), content);
  let id = '';
  await expect.poll(async () => {
    const files = (await (await alice.api('/api/v1/files')).json()) as { items: { id: string }[] };
    id = files.items[0]?.id ?? '';
    return id;
  }, { timeout: 20_000 }).not.toBe('');
  await expect.poll(async () => ((await (await alice.api('/api/v1/settings/dht')).json()) as { announced: number }).announced, { timeout: 20_000 }).toBe(1);

  // Bob: the same private DHT in his config, the switch still off (the default).
  const bob = await startNode({ env: { SHOAL_DHT_BOOTSTRAP: bootstrap } });
  await page.goto(bob.controlUrl);
  await page.getByRole('link', { name: 'Settings' }).click();
  const toggle = page.getByRole('switch', { name: 'Find and offer sources without an index server' });
  await expect(toggle).not.toBeChecked();
  await expect(page.getByTestId('dht-explained')).toContainText('anyone on the DHT can see which files this device shares');
  await expect(page.getByTestId('dht-explained')).toContainText(`Private DHT: only ${bootstrap}`);
  await toggle.click();
  await expect(page.getByTestId('dht-state')).toContainText('On');
  await expect(toggle).toBeChecked();
  await saveScreen(page, testInfo, 'settings-dht-on');

  await page.getByRole('link', { name: 'Search' }).click();
  await page.getByRole('searchbox', { name: 'Search the network' }).fill(`shoal://file/${id}?name=${name}`);
  const opened = page.getByTestId('opened-file');
  await expect(opened).toContainText(name, { timeout: 20_000 });
  await expect(opened.getByRole('list', { name: 'Sources' }).getByRole('listitem')).toHaveCount(1);
  await saveScreen(page, testInfo, 'dht-opened-link');
  await opened.getByRole('button', { name: 'Download' }).click();

  await page.getByRole('link', { name: 'Transfers' }).click();
  const download = page.getByTestId('download').filter({ hasText: name });
  await expect(download).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  expect((await readFile(join(bob.downloadDir, name))).equals(content)).toBe(true);
});

// "Run as index server" on a peer that uses another index server (issue 16 item 7): the Network
// view shows this node's own index at once, its own files are found there when the other index
// server is gone, and a taken index port offers another one and clears when the port frees up.
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { openView } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';
import { indexPortOf } from './support/shoal-process.js';

test('switching the role on shows this node\u2019s index in the Network view, and its files are found when the main index is gone', async ({ page, startNode }, testInfo) => {
  const main = await startNode({ index: true, noShare: true });
  const mainAddress = `127.0.0.1:${await indexPortOf(main)}`;
  const peer = await startNode({ indexServers: [mainAddress], env: { SHOAL_SUPER_PEER_PORT: '0' } });
  await writeFile(join(peer.sharedDir, 'lighthouse-keeper-diary.txt'), 'a diary kept by the light');

  await page.goto(peer.controlUrl);
  await openView(page, 'Settings');
  await page.getByRole('switch', { name: 'Run as index server' }).click();
  await expect(page.getByTestId('index-state')).toContainText('On');
  const ownAddress = await page.getByTestId('index-address').textContent();

  await openView(page, 'Network');
  await expect(page.getByTestId('own-index')).toContainText(ownAddress ?? 'no address');
  const ownRow = page.getByTestId('peer-row').filter({ hasText: 'index server' }).and(page.locator('[data-you]'));
  await expect(ownRow).toBeVisible({ timeout: 5_000 });
  await expect(page.getByTestId('peer-row').filter({ hasText: 'index server' })).toHaveCount(2); // the main index and this node's
  await saveScreen(page, testInfo, 'network-own-index');

  await main.stop();
  await openView(page, 'Search');
  const search = page.getByRole('searchbox', { name: 'Search the network' });
  await search.fill('lighthouse');
  const result = page.getByTestId('search-result').filter({ hasText: 'lighthouse-keeper-diary.txt' });
  await expect(result).toBeVisible({ timeout: 5_000 });
  await expect(result).toContainText('In your library');
});

/** Holds a port as another program would; `free()` lets it go. */
async function takePort(): Promise<{ port: number; free(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, free: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('a taken index port offers another, and the message goes when the port frees up', async ({ page, startNode }, testInfo) => {
  const taken = await takePort();
  const peer = await startNode({ env: { SHOAL_SUPER_PEER_PORT: String(taken.port) } });
  await page.goto(peer.controlUrl);
  await openView(page, 'Settings');
  await page.getByRole('switch', { name: 'Run as index server' }).click();
  await expect(page.getByText(`The index port ${taken.port} is already in use`)).toBeVisible();
  const use = page.getByRole('button', { name: /^Use port \d+ instead$/ });
  await expect(use).toBeVisible();
  await saveScreen(page, testInfo, 'settings-index-port-taken');

  await taken.free();
  await expect(page.getByTestId('index-state')).toContainText('On', { timeout: 10_000 });
  await expect(page.getByTestId('index-address')).toHaveText(`127.0.0.1:${taken.port}`);
  await expect(page.getByText('already in use')).toHaveCount(0);
  await expect(use).toHaveCount(0);
});

test('"Use port N instead" starts the index on that port', async ({ page, startNode }) => {
  const taken = await takePort();
  try {
    const peer = await startNode({ env: { SHOAL_SUPER_PEER_PORT: String(taken.port) } });
    await page.goto(peer.controlUrl);
    await openView(page, 'Settings');
    await page.getByRole('switch', { name: 'Run as index server' }).click();
    const use = page.getByRole('button', { name: /^Use port \d+ instead$/ });
    const offered = ((await use.textContent()) ?? '').match(/\d+/)?.[0];
    await use.click();
    await expect(page.getByTestId('index-state')).toContainText('On');
    await expect(page.getByTestId('index-address')).toHaveText(`127.0.0.1:${offered}`);
    await expect(page.getByText('already in use')).toHaveCount(0);
    expect((await fetch(`http://127.0.0.1:${offered}/api/v1/stats`)).status).toBe(200);
  } finally {
    await taken.free();
  }
});

// Adding an index server by hand in Settings: the peer registers with it at once.
import { expect, test } from './support/fixtures.js';
import { indexPortOf } from './support/shoal-process.js';
import { saveScreen } from './support/screens.js';

test('a user adds an index server in Settings and the peer registers with it', async ({ page, startNode }, testInfo) => {
  const index = await startNode({ index: true, noShare: true });
  const address = `127.0.0.1:${await indexPortOf(index)}`;
  const peer = await startNode();
  await page.goto(peer.controlUrl);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('index-connection')).toHaveText('No index server known yet.');

  const field = page.getByLabel('Add an index server (host:port)');
  await field.fill('not an address');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('alert')).toContainText('host:port');

  await field.fill(address);
  await page.getByRole('button', { name: 'Add' }).click();
  const row = page.getByTestId('index-server').filter({ hasText: address });
  await expect(row).toContainText('added by you');
  await expect(page.getByTestId('index-connection')).toHaveText(`Registered with ${address}`);
  await expect(row).toContainText('registered');
  await saveScreen(page, testInfo, 'settings-index-server-added');

  // The index sees the peer too.
  const peerId = ((await (await fetch(`${peer.url}/api/v1/info`)).json()) as { id: string }).id;
  const peers = (await (await fetch(`http://${address}/api/v1/peers`)).json()) as { items: { peerId: string; status: string }[] };
  expect(peers.items.find((p) => p.peerId === peerId)?.status).toBe('online');
});

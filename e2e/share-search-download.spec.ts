// The path a user takes: one peer drops a file onto the Share view, a second finds it in Search
// and downloads it, and Transfers shows it completed with the very same bytes.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropFiles } from './support/drop-files.js';
import { expect, test } from './support/fixtures.js';
import { saveScreen } from './support/screens.js';
import { indexWithTwoPeers, searchUntilFound } from './search-network.js';

test('a file dropped on one peer is found and downloaded by another, bytes intact', async ({ browser, startNode }, testInfo) => {
  const { alice, bob } = await indexWithTwoPeers(startNode);
  const content = randomBytes(700 * 1024); // three pieces
  const name = `ocean-survey-${Date.now()}.bin`;

  // Alice drops the file on her Share view.
  const alicePage = await (await browser.newContext()).newPage();
  await alicePage.goto(alice.controlUrl);
  await expect(alicePage).not.toHaveURL(/token=/); // taken out of the address bar
  await expect(alicePage.getByText('Drop files to share')).toBeVisible();
  await dropFiles(alicePage.getByTestId('dropzone'), [{ name, base64: content.toString('base64') }]);
  await expect(alicePage.getByText(`added as ${name}`)).toBeVisible();
  await expect(alicePage.getByTestId('shared-file').filter({ hasText: name })).toBeVisible();
  await saveScreen(alicePage, testInfo, 'alice-share');
  expect((await readFile(join(alice.sharedDir, name))).equals(content)).toBe(true);

  // Bob searches as he types; the index learns of Alice's file within a moment.
  const bobPage = await (await browser.newContext()).newPage();
  await bobPage.goto(bob.controlUrl);
  await bobPage.getByRole('link', { name: 'Search' }).click();
  await expect(bobPage).toHaveURL(/\/search$/);
  const result = await searchUntilFound(bobPage, 'ocean-surv', name, 20_000);
  await expect(result).toContainText('1 source');
  await saveScreen(bobPage, testInfo, 'bob-search');
  await result.getByRole('button', { name: `Download ${name}` }).click();

  // Transfers shows it to completion.
  await bobPage.getByRole('link', { name: 'Transfers' }).click();
  const download = bobPage.getByTestId('download').filter({ hasText: name });
  await expect(download).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  await expect(download.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await saveScreen(bobPage, testInfo, 'bob-transfers');
  expect((await readFile(join(bob.downloadDir, name))).equals(content)).toBe(true);
  // Headless, the file is on the node's disk; "Save a copy" brings it to this browser too.
  const [saved] = await Promise.all([bobPage.waitForEvent('download'), download.getByRole('link', { name: 'Save a copy' }).click()]);
  expect(saved.suggestedFilename()).toBe(name);
  expect((await readFile(await saved.path())).equals(content)).toBe(true);

  // The Network view shows the index server and both peers.
  await bobPage.getByRole('link', { name: 'Network' }).click();
  await expect(bobPage.getByTestId('graph-node')).toHaveCount(3);
  await expect(bobPage.locator('[data-testid=graph-node][data-role=index]')).toHaveCount(1);
  await expect(bobPage.getByTestId('peer-row')).toHaveCount(3);
  await saveScreen(bobPage, testInfo, 'bob-network');
});

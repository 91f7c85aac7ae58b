// "Save a copy" of a finished download works in the browser even when "Share what I download" is
// off: the file is not shared (peers get 404), yet its owner can always save it.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { saveScreen } from './support/screens.js';

test('a finished download that is not shared can still be saved from Transfers', async ({ page, startNode }, testInfo) => {
  const alice = await startNode();
  const bob = await startNode({ env: { SHOAL_TRANSFERS_SHARE_DOWNLOADS: 'false' } });
  const content = randomBytes(400 * 1024);
  const name = 'Ñandú survey 🐟.bin';
  await writeFile(join(alice.sharedDir, name), content);
  let fileId = '';
  await expect.poll(async () => (fileId = ((await (await alice.api('/api/v1/files')).json()) as { items: { id: string }[] }).items[0]?.id ?? '')).not.toBe('');
  const started = await bob.api('/api/v1/downloads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileId, peer: new URL(alice.url).host }) });
  expect(started.status).toBe(200);

  await page.goto(bob.controlUrl);
  await page.getByRole('link', { name: 'Transfers' }).click();
  const download = page.getByTestId('download').filter({ hasText: name });
  await expect(download).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  expect((await fetch(`${bob.url}/api/v1/download/${fileId}`)).status).toBe(404); // not shared
  await saveScreen(page, testInfo, 'transfers');
  const [saved] = await Promise.all([page.waitForEvent('download'), download.getByRole('link', { name: 'Save a copy' }).click()]);
  expect(saved.suggestedFilename()).toBe(name);
  expect((await readFile(await saved.path())).equals(content)).toBe(true);
});

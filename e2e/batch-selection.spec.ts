// Share's selection (issue 16, item 14): checkboxes, a shift-click range, "select all matching"
// the search box, then tags and unshare for the whole selection in one call each, asked once.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { saveScreen } from './support/screens.js';

type Page = { items: { name: string; userTags: string[] }[]; total: number };

test('selects shared files by click, shift-click and "select all matching", then tags and unshares them at once', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  const names = ['alpha.txt', 'beta.txt', 'gamma.txt', 'delta.txt', 'holiday-1.jpg', 'holiday-2.jpg'];
  for (const name of names) await writeFile(join(node.sharedDir, name), `the file ${name}\n`);
  const files = async (query = '') => (await (await node.api(`/api/v1/files${query}`)).json()) as Page;
  await expect.poll(async () => (await files()).total, { timeout: 30_000 }).toBe(names.length);

  await page.goto(node.controlUrl);
  const list = page.getByRole('region', { name: 'Shared files' });
  await expect(list.getByTestId('shared-file')).toHaveCount(names.length);
  // Sorted by name: alpha, beta, delta, gamma, holiday-1, holiday-2. A click, then a shift-click three rows on.
  await list.getByRole('checkbox', { name: 'Select alpha.txt' }).click();
  await list.getByRole('checkbox', { name: 'Select gamma.txt' }).click({ modifiers: ['Shift'] });
  const bar = page.getByTestId('selection-bar');
  await expect(bar).toContainText('4 files selected');
  await bar.getByRole('textbox', { name: 'Tags to add to the selected files' }).fill('work, 2026');
  await bar.getByRole('button', { name: 'Add tags' }).click();
  await expect.poll(async () => (await files('?tag=work')).items.map((f) => f.name).sort()).toEqual(['alpha.txt', 'beta.txt', 'delta.txt', 'gamma.txt']);
  expect((await files('?tag=2026')).total).toBe(4);
  await bar.getByRole('button', { name: 'Clear selection' }).click();
  await expect(bar).toHaveCount(0);

  // The search box filters the list; "select all matching" takes every match, none other.
  await list.getByRole('searchbox', { name: 'Find in your files' }).fill('holiday');
  await expect(list.getByTestId('shared-file')).toHaveCount(2);
  await list.getByRole('button', { name: 'Select all matching' }).click();
  await expect(bar).toContainText('2 files selected');
  await saveScreen(page, testInfo, 'share-selected');
  // Unshare asks once: the first press only asks.
  await bar.getByRole('button', { name: 'Unshare' }).click();
  expect((await files()).total).toBe(names.length);
  await bar.getByRole('group', { name: 'Stop sharing 2 files?' }).getByRole('button', { name: 'Unshare' }).click();
  await expect.poll(async () => (await files()).items.map((f) => f.name).sort()).toEqual(['alpha.txt', 'beta.txt', 'delta.txt', 'gamma.txt']);
  await expect(list.getByText('No shared file matches')).toBeVisible();
});

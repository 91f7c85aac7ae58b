// Unshared files (issue 16, item 15), as a user meets them in Share: unshare two files, Undo brings
// them back; "Unshared (N)" lists what was unshared and shares it again; dropping an unshared file
// shares it again under its own name (no "name (1)"); the shared folder's path is shown.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropFiles } from './support/drop-files.js';
import { expect, test } from './support/fixtures.js';
import { expectRowReadable, overflow, seriousViolations } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';

type Page = { items: { name: string }[]; total: number };

test('unshare two files, Undo; the Unshared list shares one again; a dropped unshared file keeps its name', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  const names = ['alpha.txt', 'beta.txt', 'gamma.txt', 'delta.txt'];
  for (const name of names) await writeFile(join(node.sharedDir, name), `the file ${name}\n`);
  const shared = async () => ((await (await node.api('/api/v1/files')).json()) as Page).items.map((f) => f.name).sort();
  await expect.poll(shared, { timeout: 30_000 }).toEqual([...names].sort());

  await page.goto(node.controlUrl);
  await expect(page.getByTestId('shared-folder')).toContainText(`Shared folder: ${node.sharedDir}`);
  const list = page.getByRole('region', { name: 'Shared files' });
  await expect(list.getByTestId('shared-file')).toHaveCount(names.length);

  // Unshare two, asked once; then Undo.
  await list.getByRole('checkbox', { name: 'Select alpha.txt' }).click();
  await list.getByRole('checkbox', { name: 'Select beta.txt' }).click();
  const bar = page.getByTestId('selection-bar');
  await bar.getByRole('button', { name: 'Unshare' }).click();
  await bar.getByRole('group', { name: 'Stop sharing 2 files?' }).getByRole('button', { name: 'Unshare' }).click();
  await expect.poll(shared).toEqual(['delta.txt', 'gamma.txt']);
  const note = list.getByRole('status').filter({ hasText: 'Unshared 2 files.' });
  await expect(note).toBeVisible();
  await expect(list.getByRole('button', { name: 'Unshared (2)' })).toBeVisible();
  await saveScreen(page, testInfo, 'unshared-undo');
  await note.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(shared, { timeout: 20_000 }).toEqual([...names].sort());
  await expect(list.getByTestId('shared-file')).toHaveCount(names.length);
  await expect(note).toHaveCount(0);
  await expect(list.getByRole('button', { name: /^Unshared \(/ })).toHaveCount(0);

  // Unshare one by its row; the Unshared list shares it again.
  const gamma = list.getByTestId('shared-file').filter({ hasText: 'gamma.txt' });
  await gamma.getByRole('button', { name: 'Unshare gamma.txt' }).click();
  await gamma.getByRole('group', { name: 'Stop sharing gamma.txt?' }).getByRole('button', { name: 'Unshare' }).click();
  await expect.poll(shared).toEqual(['alpha.txt', 'beta.txt', 'delta.txt']);
  await list.getByRole('button', { name: 'Unshared (1)' }).click();
  const unshared = list.getByRole('region', { name: 'Unshared files' });
  await expect(unshared.getByTestId('unshared-file')).toHaveText([/gamma\.txt/]);
  await expect(unshared).toContainText(join(node.sharedDir, 'gamma.txt'));
  await saveScreen(page, testInfo, 'unshared-list');
  expect(await seriousViolations(page)).toEqual([]);
  // At phone width the list's paths wrap: nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  await saveScreen(page, testInfo, 'unshared-list-375');
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  // Each row still shows its name beside its checkbox, with its actions under it.
  for (const row of await list.getByTestId('shared-file').all()) await expectRowReadable(page, row);
  await page.setViewportSize({ width: 1280, height: 800 });
  await unshared.getByRole('button', { name: 'Share again: gamma.txt' }).click();
  await expect.poll(shared, { timeout: 20_000 }).toEqual([...names].sort());
  await expect(unshared.getByText('Nothing is unshared.')).toBeVisible();

  // Unshare delta, then drop the same file: it is shared again as delta.txt, not "delta (1).txt".
  const delta = list.getByTestId('shared-file').filter({ hasText: 'delta.txt' });
  await delta.getByRole('button', { name: 'Unshare delta.txt' }).click();
  await delta.getByRole('group', { name: 'Stop sharing delta.txt?' }).getByRole('button', { name: 'Unshare' }).click();
  await expect.poll(shared).toEqual(['alpha.txt', 'beta.txt', 'gamma.txt']);
  await dropFiles(page.getByTestId('dropzone'), [{ name: 'delta.txt', base64: Buffer.from('the file delta.txt\n').toString('base64') }]);
  await expect(page.getByText('added as delta.txt')).toBeVisible();
  await expect.poll(shared, { timeout: 20_000 }).toEqual([...names].sort());
  expect((await readdir(node.sharedDir)).sort()).toEqual([...names].sort());
});

// Who sees what, in Share (issues 14 and 16), against real nodes: Bob registers with Alice's index,
// so Alice has seen his device. Alice shares a file by its path (outside her shared folder); in
// Share, at 375 px, she opens the paths shared by hand and, from the file's own line, shares it
// only with Bob. The line and the file's row then carry the lock with "1", the full sentence in
// the tooltip; strangers no longer see the file, and a reload shows the node kept it. A file in
// the shared folder carries no lock. No sideways scrolling, axe clean, light and dark.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { expectRowReadable, overflow, seriousViolations, transitionsEnded } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';
import { indexPortOf } from './support/shoal-process.js';

type Info = { id: string; name: string };
type Files = { items: { name: string }[]; total: number };
const ONE = 'Shared only with 1 chosen device; no other peer sees it';

test('a path shared by hand is shared only with one device from Share, and shows the lock with the device count', async ({ page, startNode }, testInfo) => {
  test.setTimeout(120_000);
  const alice = await startNode({ index: true });
  const bob = await startNode({ indexServers: [`127.0.0.1:${await indexPortOf(alice)}`] });
  const bobInfo = (await (await fetch(`${bob.url}/api/v1/info`)).json()) as Info;
  // A deep folder outside the shared folder: its path must wrap, not widen the page.
  const elsewhere = join(dirname(alice.sharedDir), 'Documents', 'Harbour_authority_planning_committee_2026_confidential');
  await mkdir(elsewhere, { recursive: true });
  const handShared = join(elsewhere, 'harbour-plans.pdf');
  await writeFile(handShared, randomBytes(64 * 1024));
  await writeFile(join(alice.sharedDir, 'open-notes.txt'), 'for everyone\n');
  const shared = await alice.api('/api/v1/files/share', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: handShared }) });
  expect(shared.status).toBe(200);
  const publicNames = async () => ((await (await fetch(`${alice.url}/api/v1/files`)).json()) as Files).items.map((f) => f.name).sort();
  await expect.poll(publicNames, { timeout: 20_000 }).toEqual(['harbour-plans.pdf', 'open-notes.txt']);
  // Bob's key proved at Alice's index: he is a device she can choose.
  await expect.poll(async () => ((await (await alice.api('/api/v1/devices')).json()) as { items: { id: string }[] }).items.map((d) => d.id), { timeout: 30_000 }).toContain(bobInfo.id);

  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(alice.controlUrl);
  const list = page.getByRole('region', { name: 'Shared files' });
  await expect(list.getByTestId('shared-file')).toHaveCount(2);
  const byHand = page.getByTestId('hand-shared');
  await byHand.getByText('1 path shared by hand').click();
  const line = byHand.getByTestId('shared-path');
  await expect(line).toContainText(handShared);
  await expect(line.getByTestId('restricted-badge')).toHaveCount(0);
  await line.getByRole('button', { name: 'Who sees it: harbour-plans.pdf' }).click();
  await line.getByLabel('Shared with').selectOption('devices');
  await line.getByRole('checkbox', { name: new RegExp(bobInfo.name) }).check();
  await expect(line.getByRole('checkbox', { name: new RegExp(bobInfo.name) })).toBeChecked();

  const badge = line.getByTestId('restricted-badge');
  await expect(badge).toHaveAttribute('title', ONE);
  await expect(badge).toContainText('1');
  await expect(byHand.locator('summary')).toHaveText('1 path shared by hand, 1 only with chosen devices');
  const row = list.getByTestId('shared-file').filter({ hasText: 'harbour-plans.pdf' });
  await expect(row.getByTestId('restricted-badge')).toHaveAttribute('title', ONE);
  await expect(list.getByTestId('shared-file').filter({ hasText: 'open-notes.txt' }).getByTestId('restricted-badge')).toHaveCount(0);
  await expectRowReadable(page, row);
  expect(await publicNames()).toEqual(['open-notes.txt']);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await saveScreen(page, testInfo, 'share-access-375-light');
  expect(await seriousViolations(page), 'axe, light').toEqual([]);

  // The node kept it: after a reload the line and the row still say so.
  await page.reload();
  await page.getByTestId('hand-shared').getByText('1 path shared by hand, 1 only with chosen devices').click();
  await expect(page.getByTestId('hand-shared').getByTestId('restricted-badge')).toHaveAttribute('title', ONE);
  await expect(list.getByTestId('shared-file').filter({ hasText: 'harbour-plans.pdf' }).getByTestId('restricted-badge')).toContainText('1');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.getByRole('link', { name: 'Share' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('hand-shared').getByText('1 path shared by hand, 1 only with chosen devices').click();
  await page.getByTestId('hand-shared').getByRole('button', { name: 'Who sees it: harbour-plans.pdf' }).click();
  await transitionsEnded(page);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await saveScreen(page, testInfo, 'share-access-375-dark');
  expect(await seriousViolations(page), 'axe, dark').toEqual([]);
});

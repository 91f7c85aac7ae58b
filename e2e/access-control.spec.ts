// Access control in Settings (issue 14), against real nodes: Bob registers with Alice's index, so
// Alice's Devices list shows him (name, short id with the full id on hover, last seen, traffic);
// she trusts and blocks him (a blocked device cannot register), shares her folder only with him
// (strangers no longer see its file), and edits the blocked networks (a typo is explained first).
// Light and dark, axe clean, and no sideways scrolling at 375 px.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shortNodeId } from '../src-shared/node-id.js';
import { expect, test } from './support/fixtures.js';
import { overflow, seriousViolations, transitionsEnded } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';
import { indexPortOf } from './support/shoal-process.js';

type Info = { id: string; name: string };
type Page1 = { items: { name: string }[]; total: number };

test('Settings lists the devices seen, blocks and trusts them, restricts a shared folder and edits the networks', async ({ page, startNode }, testInfo) => {
  test.setTimeout(120_000);
  const alice = await startNode({ index: true });
  const bob = await startNode({ indexServers: [`127.0.0.1:${await indexPortOf(alice)}`] });
  const bobInfo = (await (await fetch(`${bob.url}/api/v1/info`)).json()) as Info;
  const file = `harbour-plans-${Date.now()}.bin`;
  await writeFile(join(alice.sharedDir, file), randomBytes(64 * 1024));
  await expect.poll(async () => ((await (await fetch(`${alice.url}/api/v1/files`)).json()) as Page1).total, { timeout: 20_000 }).toBe(1);

  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(alice.controlUrl);
  await page.getByRole('link', { name: 'Settings' }).click();
  const devices = page.getByRole('region', { name: 'Devices' });
  const bobRow = devices.getByTestId('device').filter({ hasText: shortNodeId(bobInfo.id) });
  await expect(bobRow).toBeVisible({ timeout: 30_000 }); // Bob registered with Alice's index: his key proved
  await expect(bobRow.locator('.device-name')).toHaveText(bobInfo.name);
  await expect(bobRow.getByLabel(`Node id ${bobInfo.id}`)).toHaveAttribute('title', bobInfo.id);
  await expect(bobRow).toContainText(/seen/);

  // Trust, then block: a blocked device cannot register with this index.
  await bobRow.getByRole('button', { name: 'Trust' }).click();
  await expect(bobRow.getByText('Trusted', { exact: true }).first()).toBeVisible();
  await bobRow.getByRole('button', { name: 'Block' }).click();
  await expect(bobRow.locator('.device-state')).toHaveText('Blocked');
  const listed = ((await (await alice.api('/api/v1/devices')).json()) as { items: { id: string; state: string }[] }).items;
  expect(listed.find((d) => d.id === bobInfo.id)?.state).toBe('blocked');
  await saveScreen(page, testInfo, 'devices-375-light');
  await bobRow.getByRole('button', { name: 'Unblock' }).click();
  await expect(bobRow.locator('.device-state')).toHaveCount(0);

  // The shared folder, only for Bob: strangers no longer see its file; the local user still does.
  const roots = page.getByRole('region', { name: 'Shared folders' });
  const folder = roots.getByTestId('shared-root').first();
  await folder.getByLabel('Shared with').selectOption('devices');
  await folder.getByRole('checkbox', { name: new RegExp(bobInfo.name) }).check();
  await expect(folder.getByRole('checkbox', { name: new RegExp(bobInfo.name) })).toBeChecked();
  // The box shows ticked as it is clicked; the node has it once the request that saves it is answered.
  const restrictedTo = async () => ((await (await alice.api('/api/v1/library/roots')).json()) as { items: { access: string; devices: string[] }[] }).items
    .find((r) => r.access === 'devices')?.devices;
  await expect.poll(restrictedTo).toEqual([bobInfo.id]);
  expect(((await (await fetch(`${alice.url}/api/v1/files`)).json()) as Page1).total).toBe(0);
  expect(((await (await alice.api('/api/v1/files')).json()) as Page1).total).toBe(1);

  // Networks: a typo is explained before anything is sent; a real network is saved.
  const networks = page.getByRole('region', { name: 'Networks' });
  await networks.getByLabel('Blocked networks').fill('10.0.0.0/33');
  await networks.getByRole('button', { name: 'Save networks' }).click();
  await expect(networks.getByRole('alert')).toContainText('10.0.0.0/33');
  await networks.getByLabel('Blocked networks').fill('192.0.2.0/24\n2001:db8::/32');
  await networks.getByRole('button', { name: 'Save networks' }).click();
  await expect(networks.getByRole('status')).toHaveText('Saved');
  expect(await (await alice.api('/api/v1/settings/networks')).json()).toEqual({ allowedNetworks: [], blockedNetworks: ['192.0.2.0/24', '2001:db8::/32'], allowPlainHttp: true });

  expect(await overflow(page)).toBeLessThanOrEqual(0);
  expect(await seriousViolations(page), 'axe, light').toEqual([]);
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await transitionsEnded(page); // colours are read once the theme's colour change has ended
  await devices.scrollIntoViewIfNeeded();
  await saveScreen(page, testInfo, 'devices-375-dark');
  expect(await seriousViolations(page), 'axe, dark').toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});

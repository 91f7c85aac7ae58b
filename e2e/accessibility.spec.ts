// Automated accessibility audit (axe-core) of every view, in light and dark, against real nodes: an
// index server, a peer sharing a file, and the peer under test that finds and downloads it. Then
// the Search view driven by the keyboard alone, from the address bar to a started download.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { chartAxisContrasts, chartContrastViolations } from './support/chart-contrast.js';
import { expect, test } from './support/fixtures.js';
import { openView, seriousViolations, transitionsEnded } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';
import { indexWithTwoPeers, searchUntilFound, type StartNode } from './search-network.js';

/** An index server, a peer sharing one file, and a peer (the one under test) registered with it. */
async function network(startNode: StartNode) {
  const { alice, bob } = await indexWithTwoPeers(startNode);
  const name = `harbour-chart-${Date.now()}.bin`;
  await writeFile(join(alice.sharedDir, name), randomBytes(300 * 1024)); // the watcher hashes and shares it
  return { bob, name };
}

async function audit(page: Page, testInfo: TestInfo, label: string) {
  await saveScreen(page, testInfo, label);
  expect(await seriousViolations(page), `axe: ${label}`).toEqual([]);
}

test('every view passes axe (WCAG 2.1 A/AA, serious and critical) in light and dark', async ({ page, startNode }, testInfo) => {
  test.setTimeout(150_000);
  const { bob, name } = await network(startNode);
  await page.goto(bob.controlUrl);
  for (const theme of ['Light', 'Dark']) {
    const t = theme.toLowerCase();
    await openView(page, 'Settings');
    await page.getByRole('radio', { name: theme }).check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', t);
    await transitionsEnded(page); // colours are read once the theme's colour change has ended
    await audit(page, testInfo, `${t}-settings`);

    await openView(page, 'Share');
    await expect(page.getByText('Drop files to share')).toBeVisible();
    await audit(page, testInfo, `${t}-share`);

    await openView(page, 'Search');
    const result = await searchUntilFound(page, 'harbour-chart', name, 30_000);
    await audit(page, testInfo, `${t}-search`);
    if (theme === 'Light') await result.getByRole('button', { name: `Download ${name}` }).click();

    await openView(page, 'Transfers');
    await expect(page.getByTestId('download').filter({ hasText: name })).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
    await audit(page, testInfo, `${t}-transfers`);

    await openView(page, 'Network');
    await expect(page.getByTestId('peer-row')).toHaveCount(3);
    await audit(page, testInfo, `${t}-network`);

    await openView(page, 'Dashboard');
    await expect(page.getByText('Files shared')).toBeVisible();
    await audit(page, testInfo, `${t}-dashboard`);
  }
});

test('Search works with the keyboard alone: Tab to a result, Enter downloads it', async ({ page, startNode }, testInfo) => {
  const { bob, name } = await network(startNode);
  // Wait (outside the page) until the index knows the file, so the page is driven only by keys.
  await expect.poll(async () => JSON.stringify(await (await bob.api('/api/v1/network/search?q=harbour-chart')).json()), { timeout: 30_000 }).toContain(name);
  await page.goto(bob.controlUrl);
  await expect(page.getByText('Drop files to share')).toBeVisible();
  // From the top of the page: Tab to the Search link, Enter; the search box then has the focus.
  const searchLink = page.getByRole('link', { name: 'Search' });
  await tabTo(page, searchLink);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/search$/);
  await expect(page.getByRole('searchbox', { name: 'Search the network' })).toBeFocused();
  await page.keyboard.type('harbour-chart');
  await expect(page.getByRole('button', { name: `Download ${name}` })).toBeVisible();
  const button = page.getByTestId('search-result').filter({ hasText: name }).getByRole('button'); // its name changes as it runs
  await tabTo(page, button); // past the category chips and the filters
  await saveScreen(page, testInfo, 'keyboard-result-focused');
  await page.keyboard.press('Enter');
  await expect(button).toHaveText(/^(Downloading|Downloaded)/);
  await expect(button).toBeFocused(); // the focus stays where the user is
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'See your transfers' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/transfers$/);
  await expect(page.getByTestId('download').filter({ hasText: name })).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  await saveScreen(page, testInfo, 'keyboard-transfers');
});

/** Presses Tab until the target has the focus (at most 40 times), as a keyboard user would. */
async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 40 && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(target).toBeFocused();
}

test('the Dashboard charts follow the theme: legend and axis labels readable in light and dark', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(node.controlUrl);
  const check = async (theme: string) => {
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expect(page.locator('.chart canvas')).toHaveCount(2);
    await transitionsEnded(page); // colours are read once the theme's colour change has ended
    await saveScreen(page, testInfo, `${theme}-charts`);
    expect(await chartContrastViolations(page), `axe in ${theme}`).toEqual([]);
    const charts = await chartAxisContrasts(page);
    expect(charts).toHaveLength(2);
    for (const c of charts) {
      expect(c.pixels, `${c.chart} has drawn its axes`).toBeGreaterThan(0);
      expect(c.axisLabels, `axis labels of ${c.chart} in ${theme}`).toBeGreaterThanOrEqual(4.5);
    }
  };
  await openView(page, 'Dashboard');
  await check('light');
  // A choice in Settings, then the system's own switch while the charts are on screen.
  await openView(page, 'Settings');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await openView(page, 'Dashboard');
  await check('dark');
  await openView(page, 'Settings');
  await page.getByRole('radio', { name: 'System' }).check();
  await openView(page, 'Dashboard');
  await check('light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await check('dark');
});

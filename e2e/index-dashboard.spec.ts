// The index port's read-only dashboard at `/` (issue 15): a browser with no token opens it and sees
// which index server it is, that the page only reads, its stats and a registered peer; a second
// peer registering shows up live (over the index's /ws) without a reload; at 375 px in dark mode
// nothing scrolls sideways and axe finds nothing serious; the policy blocks nothing the page needs.
// With more peers than a page holds, the page moves through them and stays on its page while live.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shortNodeId } from '../src-shared/node-id.js';
import { postRegistration, startAddressResponder } from '../test/support/signed-registration.js';
import { expect, test } from './support/fixtures.js';
import { overflow, seriousViolations } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';
import { indexPortOf } from './support/shoal-process.js';

type Info = { id: string; name: string };

test('the index port shows a live, read-only dashboard of the index', async ({ page, startNode }, testInfo) => {
  test.setTimeout(120_000);
  const index = await startNode({ index: true, noShare: true, env: { SHOAL_PEER_NAME: 'harbour-index' } });
  const indexAddress = `127.0.0.1:${await indexPortOf(index)}`;
  const indexInfo = (await (await fetch(`${index.url}/api/v1/info`)).json()) as Info;
  const first = await startNode({ indexServers: [indexAddress], env: { SHOAL_PEER_NAME: 'first-peer' } });
  await writeFile(join(first.sharedDir, 'dashboard-notes.txt'), 'seen on the dashboard\n');

  // Whatever the policy refused or the page threw would show here.
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  const events: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => events.push(String(payload))));

  await page.setViewportSize({ width: 375, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  const response = await page.goto(`http://${indexAddress}/`);
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['content-security-policy']).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options']).toBe('nosniff');

  // Which node, and that it only reads.
  await expect(page.getByRole('heading', { level: 1 })).toContainText('harbour-index');
  await expect(page.getByTestId('index-id')).toHaveText(shortNodeId(indexInfo.id));
  await expect(page.getByTestId('read-only-note')).toContainText('Read-only');
  await expect(page.getByTestId('live-state')).toHaveText(/Live/);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  // The stats and the first peer, with its file once hashed and registered.
  await expect(page.getByTestId('stat-peers-online')).toContainText('Peers online');
  await expect(page.getByTestId('stat-uptime')).toContainText(/\d+m \d{2}s/);
  const firstRow = page.getByTestId('dash-peer-row').filter({ hasText: 'first-peer' });
  await expect(firstRow).toContainText('online');
  await expect(firstRow.getByRole('cell').nth(2)).toHaveText('1', { timeout: 30_000 });
  await expect(page.getByTestId('stat-files')).toContainText(/Files\s*[1-9]/);
  await expect(page.getByTestId('dash-index-row').first()).toContainText('harbour-index');
  const onlineBefore = Number(await page.getByTestId('stat-peers-online').locator('.tile-value').textContent());

  // A second peer registers: its row and the count come in over /ws, the page never reloads.
  await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
  await startNode({ indexServers: [indexAddress], env: { SHOAL_PEER_NAME: 'second-peer' } });
  await expect(page.getByTestId('dash-peer-row').filter({ hasText: 'second-peer' })).toContainText('online');
  expect(events.some((e) => e.includes('"peer_registered"') && e.includes('second-peer'))).toBe(true);
  await expect(page.getByTestId('stat-peers-online').locator('.tile-value')).toHaveText(String(onlineBefore + 1));
  await expect(page.getByTestId('graph-node').filter({ hasText: 'second-peer' })).toHaveCount(1);
  expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

  // A phone, in dark mode: no sideways scrolling, nothing serious for axe, nothing refused.
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreen(page, testInfo, 'index-dashboard-375-dark');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreen(page, testInfo, 'index-dashboard-1280-light');
  expect(problems).toEqual([]);
});

test('the dashboard shows the federation: the other index server and its peers', async ({ page, startNode }) => {
  test.setTimeout(120_000);
  const far = await startNode({ index: true, noShare: true, env: { SHOAL_PEER_NAME: 'far-index' } });
  const farAddress = `127.0.0.1:${await indexPortOf(far)}`;
  await startNode({ indexServers: [farAddress], env: { SHOAL_PEER_NAME: 'far-peer' } });
  const near = await startNode({ index: true, noShare: true, env: { SHOAL_PEER_NAME: 'near-index', SHOAL_SUPER_PEER_FEDERATION: farAddress } });

  await page.goto(`http://127.0.0.1:${await indexPortOf(near)}/`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('near-index');
  // The federation's part comes with the topology (asked every few seconds: it sends no event).
  const farRow = page.getByTestId('dash-index-row').filter({ hasText: 'far-index' });
  await expect(farRow).toContainText(farAddress, { timeout: 30_000 });
  await expect(farRow).toContainText('online');
  await expect(farRow.getByRole('cell').nth(3)).toHaveText('1', { timeout: 30_000 });
  await expect(page.getByTestId('graph-node').filter({ hasText: 'far-peer' })).toHaveCount(1);
  // Peers registered here are this index server's own: the far peer is not one of them.
  await expect(page.getByTestId('dash-peer-row').filter({ hasText: 'far-peer' })).toHaveCount(0);
});

/** Registers `count` peers with the index at `base` as the protocol wants (a key, a signed challenge, a call-back), a few at a time. */
async function registerCrowd(base: string, count: number, first = 0): Promise<void> {
  const one = async (n: number) => {
    const responder = await startAddressResponder();
    try {
      const res = await postRegistration(base, responder.key, { name: `crowd-${String(n).padStart(3, '0')}`, port: responder.port, address: '127.0.0.1', files: [] });
      expect(res.status, await res.clone().text()).toBe(200);
    } finally {
      await responder.close();
    }
  };
  for (let n = first; n < first + count; n += 8) await Promise.all(Array.from({ length: Math.min(8, first + count - n) }, (_, i) => one(n + i)));
}

test('the dashboard pages through the peers registered here and keeps the page live', async ({ page, startNode }, testInfo) => {
  test.setTimeout(180_000);
  // One address registers them all: the per-address limits are lifted for this crowd.
  const index = await startNode({
    index: true, noShare: true,
    env: { SHOAL_SUPER_PEER_MAX_PEERS_PER_ADDRESS: '0', SHOAL_SUPER_PEER_MAX_REGISTRATIONS_PER_ADDRESS: '0' },
  });
  const base = `http://127.0.0.1:${await indexPortOf(index)}`;
  await registerCrowd(base, 205);

  await page.setViewportSize({ width: 375, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${base}/`);
  const shown = page.getByTestId('peers-count');
  await expect(shown).toHaveText('Showing 1\u2013200 of 205');
  await expect(page.getByTestId('dash-peer-row')).toHaveCount(200);
  const pager = page.getByRole('navigation', { name: 'Pages of peers', exact: true });
  await expect(pager.getByRole('button', { name: 'Previous' })).toHaveAttribute('aria-disabled', 'true');

  await pager.getByRole('button', { name: 'Next' }).click();
  await expect(shown).toHaveText('Showing 201\u2013205 of 205');
  await expect(page.getByTestId('dash-peer-row')).toHaveCount(5);
  await expect(pager.getByRole('button', { name: 'Next' })).toHaveAttribute('aria-disabled', 'true');
  // A phone, in dark mode, pager and all: no sideways scrolling, nothing serious for axe.
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreen(page, testInfo, 'index-dashboard-peers-page-2-375-dark');

  // One more registers: the live update and the refresh after it keep the user on page 2.
  await registerCrowd(base, 1, 205);
  await expect(shown).toHaveText('Showing 201\u2013206 of 206');
  await expect(page.getByTestId('dash-peer-row')).toHaveCount(6);

  // The filter starts again from the first page; the index answers by status.
  await page.getByRole('combobox', { name: 'Show' }).selectOption('offline');
  await expect(page.getByTestId('no-peers')).toHaveText('No peer registered here is offline.');
  await page.getByRole('combobox', { name: 'Show' }).selectOption('online');
  await expect(shown).toHaveText('Showing 1\u2013200 of 206 online');

  // Next under the table, by the keyboard: the next page, read from the top of the table.
  await page.getByRole('navigation', { name: 'Pages of peers, under the table' }).getByRole('button', { name: 'Next' }).press('Enter');
  await expect(shown).toHaveText('Showing 201\u2013206 of 206 online');
  await expect(page.getByRole('region', { name: 'Peers registered here, table' })).toBeFocused();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreen(page, testInfo, 'index-dashboard-peers-1280-light');
});

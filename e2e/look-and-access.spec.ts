// The theme switch, a phone-sized window, client routes served by the node, and the page a
// stranger without the token gets.
import { expect, test } from './support/fixtures.js';
import { openView, overflow } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';

test('the theme switch changes the colours and is remembered', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(node.controlUrl);
  await page.getByRole('link', { name: 'Settings' }).click();
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(lightBg);
  await saveScreen(page, testInfo, 'settings-dark');
  await page.reload(); // the token stays in this tab's sessionStorage, the theme in localStorage
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('radio', { name: 'System' }).check();
  await expect(html).toHaveAttribute('data-theme', 'light');
});

test('a 375 px wide window shows every view without sideways scrolling', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(node.controlUrl);
  for (const view of ['Share', 'Search', 'Transfers', 'Network', 'Dashboard', 'Settings']) {
    await openView(page, view);
    if (view === 'Dashboard') await expect(page.getByText('Files shared')).toBeVisible();
    expect(await overflow(page), `${view} is wider than the window`).toBeLessThanOrEqual(0);
    await saveScreen(page, testInfo, `narrow-${view.toLowerCase()}`);
  }
});

test('without the token the node shows how to get in, not the app', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  await page.goto(`${node.url}/transfers`); // a client route: the app is served, then asks for the token
  await expect(page.getByText('Open the link shoal serve printed.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Transfers' })).toHaveCount(0);
  await saveScreen(page, testInfo, 'locked');
  await page.goto(`${node.url}/?token=${'0'.repeat(64)}`);
  await expect(page.getByText('is not this node\u2019s')).toBeVisible();
  const api = await fetch(`${node.url}/api/v1/downloads`);
  expect(api.status).toBe(401);
});

test('a banner shows while the node is unreachable', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  await page.goto(node.controlUrl);
  await expect(page.getByText('Drop files to share')).toBeVisible();
  await expect(page.getByText('The connection to the node is lost')).toHaveCount(0);
  await node.stop();
  await expect(page.getByText('The connection to the node is lost. Reconnecting…')).toBeVisible();
  await saveScreen(page, testInfo, 'connection-lost');
});

test('installed as an app, it opens without the node and says the node is unreachable', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  await page.goto(node.controlUrl);
  await expect(page.getByText('Drop files to share')).toBeVisible();
  const manifest = await (await fetch(`${node.url}/manifest.webmanifest`)).json();
  expect(manifest).toMatchObject({ name: 'Shoal', display: 'standalone' });
  // The service worker has cached the shell and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
  await node.stop();
  await page.reload();
  await expect(page.getByText('The node is unreachable.')).toBeVisible();
  await saveScreen(page, testInfo, 'offline');
});

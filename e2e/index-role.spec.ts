// "Run as index server" promotes a plain peer live: its index port opens and answers.
import { expect, test } from './support/fixtures.js';
import { saveScreen } from './support/screens.js';

test('Run as index server on a plain peer makes its index port answer', async ({ page, startNode }, testInfo) => {
  const peer = await startNode({ env: { SHOAL_SUPER_PEER_PORT: '0' } });
  await page.goto(peer.controlUrl);
  await page.getByRole('link', { name: 'Settings' }).click();
  const toggle = page.getByRole('switch', { name: 'Run as index server' });
  await expect(toggle).not.toBeChecked();
  await toggle.click(); // the switch follows the node's answer, not the click
  await expect(page.getByTestId('index-state')).toContainText('On');
  await expect(toggle).toBeChecked();
  const address = await page.getByTestId('index-address').textContent();
  expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  await saveScreen(page, testInfo, 'settings-index-on');

  const stats = await fetch(`http://${address}/api/v1/stats`);
  expect(stats.status).toBe(200);

  // Off by the keyboard: Space on the focused switch, as on any switch.
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('index-state')).toContainText('Off');
  await expect(toggle).not.toBeChecked();
  await expect(toggle).toBeFocused();
  await expect(fetch(`http://${address}/api/v1/stats`)).rejects.toThrow();
});

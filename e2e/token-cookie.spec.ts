// The printed link is needed once per browser profile: it leaves an HttpOnly, SameSite=Strict
// cookie for the node's origin, so a second tab and a bookmark open the app without the token.
import { expect, test } from './support/fixtures.js';

test('a second tab and a bookmark open the app once the link was opened', async ({ page, context, startNode }) => {
  const node = await startNode();
  await page.goto(node.controlUrl);
  await expect(page.getByRole('navigation')).toBeVisible();
  expect(page.url()).not.toContain('token='); // taken out of the address bar

  const [cookie] = await context.cookies(node.url);
  expect(cookie).toMatchObject({ name: `shoal-token-${new URL(node.url).port}`, httpOnly: true, sameSite: 'Strict' });

  const second = await context.newPage();
  await second.goto(`${node.url}/transfers`); // a bookmark: no token in it
  await expect(second.getByRole('navigation')).toBeVisible();
  await expect(second.getByRole('link', { name: 'Transfers' })).toHaveAttribute('aria-current', 'page');
  // Scripts on the page cannot read it.
  expect(await second.evaluate(() => document.cookie)).toBe('');
});

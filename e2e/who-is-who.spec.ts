// Who is who (issues 14 and 16, item 6): Settings → "This device" shows the node id with a Copy
// button and sets the display name, which /api/v1/info says at once and another node sees through
// the index; search results, a download's sources, uploads and the network mark "you" and name
// everyone, with the address and the full id on hover; encrypted transfers show a lock; a long
// name never widens a phone screen.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shortNodeId } from '../src-shared/node-id.js';
import { expect, test } from './support/fixtures.js';
import { openView, overflow } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';
import { indexWithTwoPeers, searchUntilFound } from './search-network.js';

type Info = { id: string; name: string };

test('This device names the node; everyone sees the name, "you" is marked, and hovering tells address and id', async ({ browser, startNode }, testInfo) => {
  test.setTimeout(150_000);
  const { alice, bob } = await indexWithTwoPeers(startNode);
  const aliceInfo = (await (await fetch(`${alice.url}/api/v1/info`)).json()) as Info;
  const bobInfo = (await (await fetch(`${bob.url}/api/v1/info`)).json()) as Info;
  const stamp = Date.now();
  // Both share one song (so Bob is one of its holders: "you"); only Alice has the survey.
  const song = `harbour-song-${stamp}.mp3`;
  const songBytes = randomBytes(40 * 1024);
  await writeFile(join(alice.sharedDir, song), songBytes);
  await writeFile(join(bob.sharedDir, song), songBytes);
  const survey = `harbour-survey-${stamp}.bin`;
  await writeFile(join(alice.sharedDir, survey), randomBytes(600 * 1024));

  // Alice: Settings → This device. The id in its groups, the short id, Copy.
  const aliceContext = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const alicePage = await aliceContext.newPage();
  await alicePage.goto(alice.controlUrl);
  await openView(alicePage, 'Settings');
  const device = alicePage.getByRole('region', { name: 'This device' });
  await expect(device.getByTestId('node-id')).toHaveText(aliceInfo.id);
  await expect(device.getByTestId('short-id')).toHaveText(shortNodeId(aliceInfo.id));
  await device.getByRole('button', { name: 'Copy id' }).click();
  await expect(device.getByText('Copied')).toBeVisible();
  expect(await alicePage.evaluate(() => navigator.clipboard.readText())).toBe(aliceInfo.id);

  // A new name: refused while empty, then saved; /api/v1/info says it at once.
  const name = device.getByLabel('Name');
  await name.fill('   ');
  await device.getByRole('button', { name: 'Save name' }).click();
  await expect(device.getByRole('alert')).toHaveText('a name cannot be empty');
  await name.fill('Alice\u2019s laptop');
  await device.getByRole('button', { name: 'Save name' }).click();
  await expect(device.getByText(/^Saved\./)).toBeVisible();
  expect(((await (await fetch(`${alice.url}/api/v1/info`)).json()) as Info).name).toBe('Alice\u2019s laptop');
  await saveScreen(alicePage, testInfo, 'alice-this-device');

  // Bob searches: the song's holders are "you" and Alice under her new name (through the index).
  const bobPage = await (await browser.newContext()).newPage();
  await bobPage.goto(bob.controlUrl);
  await openView(bobPage, 'Search');
  const search = bobPage.getByRole('searchbox', { name: 'Search the network' });
  const songRow = bobPage.getByTestId('search-result').filter({ hasText: song });
  await expect(async () => {
    await search.fill('');
    await search.fill(`harbour-song-${stamp}`);
    await expect(songRow.getByTestId('peer-name').filter({ hasText: 'Alice\u2019s laptop' })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const you = songRow.locator('[data-testid=peer-name][data-you]');
  await expect(you).toHaveText(/you$/i);
  await expect(you).toHaveAttribute('title', new RegExp(`Node id: ${bobInfo.id}`));
  const aliceHolder = songRow.getByTestId('peer-name').filter({ hasText: 'Alice\u2019s laptop' });
  await expect(aliceHolder).toHaveAttribute('title', `Alice\u2019s laptop\nNode id: ${aliceInfo.id}\nAddress: ${new URL(alice.url).host}`);
  await saveScreen(bobPage, testInfo, 'bob-search-you');

  // Bob downloads the survey: its sources name Alice; Alice's uploads name Bob.
  const surveyRow = await searchUntilFound(bobPage, `harbour-survey-${stamp}`, survey, 20_000);
  await surveyRow.getByRole('button', { name: `Download ${survey}` }).click();
  await openView(bobPage, 'Transfers');
  const download = bobPage.getByTestId('download').filter({ hasText: survey });
  await expect(download).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  await download.getByTestId('download-sources').locator('summary').click();
  await expect(download.getByTestId('peer-name')).toHaveText('Alice\u2019s laptop');
  // Between Shoal nodes transfers are encrypted by default: a lock on the source and on the download.
  await expect(download.getByTestId('lock')).toHaveCount(2);
  for (const lock of await download.getByTestId('lock').all()) await expect(lock).toHaveAttribute('data-encrypted', 'true');
  await openView(alicePage, 'Transfers');
  const upload = alicePage.getByTestId('upload').filter({ hasText: survey });
  await expect(upload.getByTestId('peer-name')).toContainText(bobInfo.name);
  await expect(upload.getByTestId('peer-name')).toContainText(shortNodeId(bobInfo.id));
  await expect(upload.getByTestId('peer-name')).toHaveAttribute('title', new RegExp(`Node id: ${bobInfo.id}\\nAddress: `));
  await expect(upload.getByTestId('lock')).toHaveAttribute('data-encrypted', 'true');

  // Bob's Network view: his row says "you", Alice's has her name; the graph rings him.
  await openView(bobPage, 'Network');
  const mine = bobPage.locator('[data-testid=peer-row][data-you]');
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId('peer-name')).toContainText(/you/i);
  await expect(bobPage.getByTestId('peer-row').filter({ hasText: 'Alice\u2019s laptop' })).toHaveCount(1);
  await expect(bobPage.locator('[data-testid=graph-node][data-you]')).toHaveCount(1);
  await expect(bobPage.getByTestId('graph-details')).toContainText('The ringed node is you.');
  await bobPage.getByTestId('reputation-help').locator('summary').click();
  await expect(bobPage.getByTestId('reputation-help')).toContainText('0 to 100');
  await saveScreen(bobPage, testInfo, 'bob-network-you');

  // A long name with no space to break at: no view scrolls sideways at 375 px, light or dark.
  const long = 'Wellington_Harbour_Survey_Vessel_Number_Seven_of_the_Fleet_0123';
  expect(long).toHaveLength(63);
  await openView(alicePage, 'Settings');
  await name.fill(long);
  await device.getByRole('button', { name: 'Save name' }).click();
  await expect(device.getByText(/^Saved\./)).toBeVisible();
  await alicePage.setViewportSize({ width: 375, height: 800 });
  await bobPage.setViewportSize({ width: 375, height: 800 });
  for (const theme of ['Light', 'Dark']) {
    await alicePage.getByRole('radio', { name: theme }).check();
    await expect(alicePage.getByTestId('node-id')).toBeVisible();
    await saveScreen(alicePage, testInfo, `alice-settings-375-${theme.toLowerCase()}`);
    expect.soft(await overflow(alicePage), `Settings at 375 px (${theme})`).toBeLessThanOrEqual(0);
  }
  await openView(bobPage, 'Search');
  await expect(async () => {
    await search.fill('');
    await search.fill(`harbour-song-${stamp}`);
    await expect(songRow.getByTestId('peer-name').filter({ hasText: long })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  expect.soft(await overflow(bobPage), 'Search at 375 px').toBeLessThanOrEqual(0);
  for (const view of ['Network', 'Transfers']) {
    await openView(bobPage, view);
    if (view === 'Network') await expect(bobPage.getByTestId('peer-row').filter({ hasText: long })).toHaveCount(1, { timeout: 10_000 });
    if (view === 'Transfers') {
      await bobPage.getByTestId('download-sources').locator('summary').click();
      await expect(bobPage.getByTestId('download-sources').getByTestId('peer-name')).toBeVisible();
    }
    await saveScreen(bobPage, testInfo, `bob-${view.toLowerCase()}-375`);
    expect.soft(await overflow(bobPage), `${view} at 375 px`).toBeLessThanOrEqual(0);
  }
});

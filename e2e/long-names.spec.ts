// Long names and paths never push a view sideways: a 240-character file name (no spaces), found,
// downloaded into a deep folder, uploaded by drop and served from a deep shared folder (Share shows
// its path), at phone and desktop widths.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropFiles } from './support/drop-files.js';
import { expect, test } from './support/fixtures.js';
import { expectRowReadable, openView, overflow } from './support/page-checks.js';
import { saveScreen } from './support/screens.js';
import { searchUntilFound } from './search-network.js';
import { indexPortOf } from './support/shoal-process.js';

const WIDTHS = [375, 1280];
const VIEWS = ['Share', 'Search', 'Transfers', 'Network', 'Dashboard', 'Settings'];

/** A name of exactly `length` characters with no space to wrap at. */
const longName = (stem: string, length: number) => `${stem}-${'Wellington_Harbour_Survey_'.repeat(20)}`.slice(0, length - 4) + '.bin';

test('no view scrolls sideways with long names and paths, at 375 px and 1280 px', async ({ browser, startNode }, testInfo) => {
  test.setTimeout(150_000);
  // A deep downloads folder: "Saved to …" and Settings show it whole.
  const deep = await mkdtemp(join(tmpdir(), 'shoal-e2e-long-'));
  const downloads = join(deep, 'A_very_long_folder_name_that_goes_on_and_on_without_any_space'.repeat(3), 'and_another_level_of_folders_for_good_measure', 'downloads');
  await mkdir(downloads, { recursive: true });
  // A deep shared folder: Share shows its path whole.
  const sharedDeep = join(deep, 'Another_very_long_shared_folder_name_without_a_single_space'.repeat(3), 'shared');
  try {
    const index = await startNode({ index: true, noShare: true });
    const indexAddress = `127.0.0.1:${await indexPortOf(index)}`;
    const [alice, bob] = await Promise.all([
      startNode({ indexServers: [indexAddress], sharedDir: sharedDeep }),
      startNode({ indexServers: [indexAddress], env: { SHOAL_PEER_DOWNLOAD_DIRECTORY: downloads } }),
    ]);
    const name = longName(`harbourlongname${Date.now()}`, 240);
    expect(name).toHaveLength(240);
    await writeFile(join(alice.sharedDir, name), randomBytes(300 * 1024));

    const alicePage = await (await browser.newContext()).newPage();
    const bobPage = await (await browser.newContext()).newPage();
    await alicePage.goto(alice.controlUrl);
    await bobPage.goto(bob.controlUrl);
    // Bob drops a long-named file (the upload list and his library), then finds and downloads Alice's.
    await dropFiles(bobPage.getByTestId('dropzone'), [{ name: longName('droppedlongname', 240), base64: randomBytes(2048).toString('base64') }]);
    await expect(bobPage.getByText(/added as droppedlongname/)).toBeVisible();
    await openView(bobPage, 'Search');
    const result = await searchUntilFound(bobPage, name.slice(0, 28), name, 30_000);
    await result.getByRole('button', { name: `Download ${name}` }).click();
    await openView(bobPage, 'Transfers');
    await expect(bobPage.getByTestId('download')).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
    await expect(bobPage.getByText(/^Saved to /)).toBeVisible();

    for (const [who, page] of [['bob', bobPage], ['alice', alicePage]] as const) {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 800 });
        for (const view of VIEWS) {
          await openView(page, view);
          if (view === 'Share') {
            // Each row shows its name (cut, whole on hover), its checkbox and its actions.
            await expect(page.getByTestId('shared-file').first()).toBeVisible();
            for (const row of await page.getByTestId('shared-file').all()) await expectRowReadable(page, row);
            // Asking before an unshare (the question names the file, cut) still fits in the row.
            const row = page.getByTestId('shared-file').first();
            await row.getByRole('button', { name: /^Unshare / }).click();
            await expect(row.getByRole('button', { name: 'Keep' })).toBeVisible();
            await expectRowReadable(page, row);
            await row.getByRole('button', { name: 'Keep' }).click();
          }
          if (view === 'Share' && who === 'alice') await expect(page.getByTestId('shared-folder')).toContainText(sharedDeep);
          if (view === 'Search' && who === 'bob') await searchUntilFound(page, name.slice(0, 28), name, 10_000);
          if (view === 'Transfers' && who === 'bob') await expect(page.getByText(/^Saved to /)).toBeVisible();
          if (view === 'Dashboard') await expect(page.getByText('Files shared')).toBeVisible();
          await saveScreen(page, testInfo, `${who}-${width}-${view.toLowerCase()}`);
          expect.soft(await overflow(page), `${who}'s ${view} at ${width} px is wider than the window`).toBeLessThanOrEqual(0);
        }
      }
    }
  } finally {
    await rm(deep, { recursive: true, force: true });
  }
});

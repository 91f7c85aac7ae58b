// The desktop app over IPC, without Electron: the real preload (electron replaced by a double),
// the real ipc.ts handlers and NodeHost in this process, the built renderer in Chromium. A user
// drops a file (shared by path, not copied), turns on "Run as index server", finds another peer's
// file, downloads it and watches its progress arrive as IPC events.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShoalWindowApi } from '../src-shared/api/ipc-contract.js';
import { searchUntilFound } from './search-network.js';
import { buildHarnessPreload, startDesktopHarness, type DesktopHarness } from './support/desktop-harness.js';
import { dropFiles } from './support/drop-files.js';
import { expect, test } from './support/fixtures.js';
import { saveScreen } from './support/screens.js';

declare global {
  interface Window {
    shoal?: ShoalWindowApi;
  }
}
type Shoal = ShoalWindowApi;
interface EventLog {
  __events: string[];
}

let preloadDir: string;
let preload: string;
let desktop: DesktopHarness;

test.beforeAll(async () => {
  preloadDir = await mkdtemp(join(tmpdir(), 'shoal-preload-'));
  preload = await buildHarnessPreload(preloadDir);
});
test.beforeEach(async () => {
  desktop = await startDesktopHarness(preload);
});
test.afterEach(async () => {
  await desktop.close();
});
test.afterAll(async () => {
  await rm(preloadDir, { recursive: true, force: true });
});

test('drop, index role, search and download all go over IPC', async ({ page, startNode }, testInfo) => {
  // The node sends the app's Content-Security-Policy with it; nothing the app does may break it.
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) violations.push(message.text());
  });
  await desktop.open(page);
  await expect(page.getByText('Drop files to share')).toBeVisible();
  await expect(page.getByText('shared where they are')).toBeVisible();
  expect(await page.evaluate(() => typeof window.shoal?.node.getInfo)).toBe('function');
  await page.evaluate(() => {
    const log = window as unknown as EventLog;
    log.__events = [];
    window.shoal?.onEvent((e) => log.__events.push(e.type));
  });

  // A file dropped from "the desktop" is shared where it is: getPathForFile gave its real path.
  const dropped = randomBytes(300 * 1024);
  const droppedName = `field-notes-${Date.now()}.bin`;
  const droppedPath = join(desktop.outside, droppedName);
  await writeFile(droppedPath, dropped);
  await page.evaluate(([name, path]) => {
    (window as unknown as { __shoalFilePaths: Record<string, string> }).__shoalFilePaths = { [name]: path };
  }, [droppedName, droppedPath] as const);
  await dropFiles(page.getByTestId('dropzone'), [{ name: droppedName, base64: dropped.toString('base64') }]);
  await expect(page.getByTestId('shared-file').filter({ hasText: droppedName })).toBeVisible({ timeout: 20_000 });
  expect(desktop.host.current.library.hasLocation(droppedPath)).toBe(true);
  expect(await readdir(desktop.folders.sharedDirectory)).not.toContain(droppedName); // nothing copied
  await page.getByRole('button', { name: `Show ${droppedName} in its folder` }).click();
  await expect.poll(() => desktop.shown).toContain(droppedPath);

  // "Run as index server", flipped in Settings, promotes the desktop node live.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByText('Start Shoal when I log in')).toBeVisible();
  await page.getByRole('switch', { name: 'Run as index server' }).click();
  await expect(page.getByTestId('index-state')).toContainText('On');
  const indexAddress = await page.getByTestId('index-address').textContent();
  expect(indexAddress).toMatch(/^127\.0\.0\.1:\d+$/);
  await saveScreen(page, testInfo, 'desktop-settings');

  // Another peer registers with it and shares a file; the desktop user finds and downloads it.
  const other = await startNode({ indexServers: [indexAddress as string] });
  const content = randomBytes(3 * 1024 * 1024);
  const name = `reef-map-${Date.now()}.bin`;
  await writeFile(join(other.sharedDir, name), content);
  await page.getByRole('link', { name: 'Search' }).click();
  const result = await searchUntilFound(page, 'reef-map', name, 20_000);
  await result.getByRole('button', { name: `Download ${name}` }).click();
  await page.getByRole('link', { name: 'Transfers' }).click();
  const download = page.getByTestId('download').filter({ hasText: name });
  await expect(download).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  await saveScreen(page, testInfo, 'desktop-transfers');
  expect((await readFile(join(desktop.folders.downloadDirectory, name))).equals(content)).toBe(true);
  const events = await page.evaluate(() => (window as unknown as EventLog).__events);
  expect(events).toContain('transfer_progress');
  expect(events).toContain('transfer_completed');
  await download.getByRole('button', { name: 'Show in folder' }).click();
  await expect.poll(() => desktop.shown).toContain(join(desktop.folders.downloadDirectory, name));
  expect(violations).toEqual([]);
});

test('a malformed IPC argument is refused with its code and changes nothing', async ({ page }) => {
  // (A call from another frame or origin is refused too: test/electron/ipc-handlers.test.ts.)
  await desktop.open(page);
  await expect(page.getByText('Drop files to share')).toBeVisible();
  const answers = await page.evaluate(async () => {
    const shoal = window.shoal as Shoal;
    const call = (fn: (arg: never) => Promise<unknown>, arg: unknown) => fn(arg as never);
    return [
      await call(shoal.node.startDownload, { body: { fileId: 'not-a-file-id' } }),
      await call(shoal.node.startDownload, 'a string'),
      await call(shoal.node.getInfo, { body: { sneaky: true } }),
      await call(shoal.node.listFiles, { query: { pageSize: 100_000 } }),
      await call(shoal.node.setIndexRole, { body: { enabled: 'yes' } }),
      await call(shoal.desktop.openFile, { path: '/etc/passwd' }),
      await call(shoal.desktop.showInFolder, { path: 'relative/path' }),
    ];
  });
  const codes = answers.map((a) => (a as { ok: boolean; error?: { code: string } }).error?.code ?? 'ok');
  expect(codes).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'PATH_OUTSIDE_LIBRARY', 'VALIDATION_FAILED']);
  expect(desktop.host.current.downloads.list()).toHaveLength(0);
  expect(desktop.host.current.indexRole.status().enabled).toBe(false);
  expect(desktop.shown).toHaveLength(0);
});

// The packaged desktop app, launched for real (Playwright's _electron) in isolated user-data and
// data folders: the window opens on app://shoal/, the node answers, a file shared by path stays
// where it is, "Run as index server" switches on, a second launch brings the first window back
// (single-instance lock) and quitting stops the node. Skips itself where there is no packaged app
// (Electron cannot be downloaded on the project's own machines: docs/desktop.md).
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ShoalWindowApi } from '../../src-shared/api/ipc-contract.js';
import { findPackagedApp } from './packaged-app.js';

declare global {
  interface Window {
    shoal?: ShoalWindowApi;
  }
}

const executable = findPackagedApp(resolve('dist'));
// The workflows that package the app set SHOAL_DESKTOP_REQUIRED: there a missing app is a failure.
test.skip(executable === null && !process.env.SHOAL_DESKTOP_REQUIRED, 'No packaged desktop app (dist/*-unpacked; set SHOAL_APP): run `npx electron-builder --dir` where Electron can be downloaded.');

let base: string;
let app: ElectronApplication | null = null;

test.beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'shoal-desktop-'));
});
test.afterEach(async () => {
  await app?.close().catch(() => undefined);
  app = null;
  await rm(base, { recursive: true, force: true, maxRetries: 5 });
});

test('the packaged app shares, serves an index, keeps one instance and stops its node on quit', async () => {
  expect(executable, 'a packaged app in dist/ (npx electron-builder --dir)').not.toBeNull();
  const userData = join(base, 'user-data');
  const folders = { sharedDirectory: join(base, 'shared'), downloadDirectory: join(base, 'downloads'), outside: join(base, 'desktop') };
  for (const folder of [userData, ...Object.values(folders)]) await mkdir(folder, { recursive: true });
  const peerPort = await freePort();
  const indexPort = await freePort();
  // Written before the first start, so the first-run folder question never opens; no update check.
  await writeFile(join(userData, 'node-choices.json'), JSON.stringify({
    sharedDirectory: folders.sharedDirectory, downloadDirectory: folders.downloadDirectory, peerPort, indexPort, checkForUpdates: false,
  }));
  const args = [`--user-data-dir=${userData}`, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])];
  app = await electron.launch({ executablePath: executable as string, args });
  expect(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'))).toBe(userData);

  // The window opens on the app's own origin, and the node in the main process answers over IPC.
  const page = await app.firstWindow();
  await expect(page).toHaveURL(/^app:\/\/shoal\//);
  await expect(page.getByText('Drop files to share')).toBeVisible();
  const info = await page.evaluate(() => window.shoal?.node.getInfo({}));
  expect(info).toMatchObject({ ok: true });
  expect(await portAnswers(peerPort)).toBe(true);

  // A file dropped from the desktop is shared where it lies: the renderer sends its path (ipc-transport.ts).
  const name = `field-notes-${Date.now()}.txt`;
  const path = join(folders.outside, name);
  await writeFile(path, 'notes from the field\n'.repeat(2000));
  expect(await page.evaluate((p) => window.shoal?.node.shareFiles({ body: { path: p } }), path)).toMatchObject({ ok: true });
  await expect(page.getByTestId('shared-file').filter({ hasText: name })).toBeVisible();
  expect(await readdir(folders.sharedDirectory)).not.toContain(name); // nothing copied

  // "Run as index server" promotes the node live.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('switch', { name: 'Run as index server' }).click();
  await expect(page.getByTestId('index-state')).toContainText('On');
  await expect(page.getByRole('switch', { name: 'Check for updates' })).not.toBeChecked();

  // A second launch hands over to the first and exits; the first shows its window again.
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.hide());
  await expect.poll(() => windowVisible(app as ElectronApplication)).toBe(false);
  expect(await launchAgain(executable as string, args)).toBe(0);
  await expect.poll(() => windowVisible(app as ElectronApplication)).toBe(true);
  expect(await app.windows()).toHaveLength(1);

  // Quitting stops the node: its port closes and the process ends.
  await quit(app, page);
  app = null;
  await expect.poll(() => portAnswers(peerPort)).toBe(false);
});

const windowVisible = (electronApp: ElectronApplication) =>
  electronApp.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().some((w) => w.isVisible()));

/** Quits as the tray's Quit does (app.quit: the node stops first, main.ts before-quit). */
async function quit(electronApp: ElectronApplication, page: Page): Promise<void> {
  const closed = new Promise<void>((done) => electronApp.once('close', () => done()));
  await electronApp.evaluate(({ app: a }) => a.quit()).catch(() => undefined); // the process may end before answering
  await closed;
  expect(page.isClosed()).toBe(true);
}

/** The exit code of a second launch with the same user-data folder (the lock is held: it quits). */
function launchAgain(path: string, args: string[]): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(path, args, { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill();
      fail(new Error('the second launch did not exit within 30 s: the single-instance lock did not hold'));
    }, 30_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

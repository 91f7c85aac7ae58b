// Updates in the packaged app: at start and every few hours, if the user left the Settings switch
// on. Windows (NSIS) and AppImage builds download and verify the new release with electron-updater
// and install it when the app quits; elsewhere (macOS until the app is signed) Settings shows a
// notice with a link to the release. The decisions are update-check.ts's; this is the wiring.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { UpdateStatus } from '../../src-shared/api/update-status.js';
import { CHECK_INTERVAL_MS, checkFeed, githubReleaseUrls, parsePublishConfig, updateAction, type GithubRelease } from './update-check.js';

export interface UpdatesOptions {
  enabled: boolean;
  /** Only a packaged app has app-update.yml and anything to replace. */
  isPackaged: boolean;
  version: string;
  platform: NodeJS.Platform;
  arch: string;
  env: Readonly<Record<string, string | undefined>>;
  resourcesPath: string;
  logger: Logger;
  /** Each change of status (main.ts notifies the user of a new release; Settings polls status()). */
  onChange(status: UpdateStatus): void;
}

export interface Updates {
  status(): UpdateStatus;
  setEnabled(on: boolean): void;
  stop(): void;
}

export function startUpdates(o: UpdatesOptions): Updates {
  let enabled = o.enabled;
  let status: UpdateStatus = { state: 'off' };
  const release = o.isPackaged ? readRelease(o.resourcesPath, o.logger) : null;
  const action = updateAction(o.platform, o.env);
  const set = (next: UpdateStatus) => {
    status = next;
    o.onChange(next);
  };
  const fail = (err: unknown) => {
    o.logger.warn({ err }, 'the update check failed');
    set({ state: 'failed', message: err instanceof Error ? err.message : String(err) });
  };

  // Read through a function: the updater's events change the status while a check is awaited.
  const stillChecking = () => status.state === 'checking';

  let installer: Promise<{ checkForUpdates(): Promise<unknown> }> | null = null;
  // electron-updater is loaded on first use: it reads the same feed and verifies the download's sha512.
  const loadInstaller = async () => {
    const { default: electronUpdater } = await import('electron-updater');
    const updater = electronUpdater.autoUpdater;
    updater.logger = o.logger;
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = true;
    updater.on('checking-for-update', () => set({ state: 'checking' }));
    updater.on('update-not-available', () => set({ state: 'current', checkedAt: new Date().toISOString() }));
    updater.on('update-available', (info) => set({ state: 'downloading', version: info.version, percent: 0 }));
    updater.on('download-progress', (progress) => {
      if (status.state === 'downloading') set({ ...status, percent: Math.min(100, Math.max(0, progress.percent)) });
    });
    updater.on('update-downloaded', (info) => set({ state: 'ready', version: info.version }));
    updater.on('error', fail);
    return updater;
  };

  const check = async () => {
    if (!enabled || !release) return;
    // A download under way or waiting for the quit is not started again.
    if (status.state === 'downloading' || status.state === 'ready' || status.state === 'checking') return;
    set({ state: 'checking' });
    if (action === 'install') {
      installer ??= loadInstaller();
      // A failed check both rejects and emits 'error', whose listener reports it: once, not twice.
      await (await installer).checkForUpdates().catch(() => undefined);
      // A check that ended with no event at all (an updater that is not active answers null) must
      // not stay 'checking': the next check would never start.
      if (stillChecking()) fail(new Error('the updater did not check (not active in this build)'));
      return;
    }
    const found = await checkFeed({ urls: githubReleaseUrls(release), currentVersion: o.version, platform: o.platform, arch: o.arch, fetch, now: () => new Date() });
    if (enabled) set(found); // switched off meanwhile: no notice the user just turned off
  };
  const run = () => void check().catch(fail);

  const timer = setInterval(run, CHECK_INTERVAL_MS);
  timer.unref();
  run();
  return {
    status: () => (enabled && release ? status : { state: 'off' }),
    setEnabled(on) {
      enabled = on;
      if (on) run();
      else if (status.state !== 'ready' && status.state !== 'downloading') status = { state: 'off' };
    },
    stop: () => clearInterval(timer),
  };
}

function readRelease(resourcesPath: string, logger: Logger): GithubRelease | null {
  try {
    return parsePublishConfig(readFileSync(join(resourcesPath, 'app-update.yml'), 'utf8'));
  } catch (err) {
    logger.warn({ err }, 'no app-update.yml in the package: updates are off');
    return null;
  }
}

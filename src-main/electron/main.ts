// The desktop app's main process, and the shell's composition root: it starts the core node (the
// same one `shoal serve` runs), loads the renderer from app://shoal/ in a locked-down window, and
// connects the two over IPC. Everything with logic lives in the small modules it wires together.
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, screen, session, shell, Tray, nativeImage } from 'electron';
import { mkdir } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { parseShoalLink, SHOAL_SCHEME } from '../../src-shared/shoal-link.js';
import { defaultSharedDirectory } from '../core/config/default-paths.js';
import { throttle } from '../core/events/throttle.js';
import { createLogger } from '../core/logger.js';
import { installFailurePolicy, stderrReport } from '../core/node/failure-policy.js';
import { APP_ORIGIN, appScheme, isAppUrl, serveApp } from './app-protocol.js';
import { desktopHandlers } from './desktop-handlers.js';
import { checksForUpdates, DEFAULT_PORTS, loadChoices, saveChoices, type NodeChoices } from './desktop-settings.js';
import { forwardEvents, registerIpc } from './ipc.js';
import { denyPermissions, guardWindow } from './navigation-guard.js';
import { NodeHost } from './node-host.js';
import { startUpdates } from './updates.js';
import { isRunning, trayMenu, trayTooltip } from './tray-menu.js';
import { mainWindowOptions } from './window-options.js';
import { loadWindowState, placeWindow, saveWindowState } from './window-state.js';

const outDirectory = fileURLToPath(new URL('../../', import.meta.url));
const rendererDirectory = join(outDirectory, 'renderer');
const preloadPath = join(outDirectory, 'preload', 'preload.cjs');
const iconPath = join(rendererDirectory, 'icons', 'icon-192.png');

// Until the logger exists, uncaught errors go to stderr; then to the log (failure-policy.ts).
const failures = installFailurePolicy(process, stderrReport(process.stderr));

// Before `ready`: app:// must be a standard, secure scheme for the renderer's origin to work.
protocol.registerSchemesAsPrivileged([appScheme]);

if (!app.requestSingleInstanceLock()) {
  // A second launch hands its arguments (maybe a shoal:// link) to the first, which takes focus.
  app.quit();
} else {
  void runApp().catch((err: unknown) => {
    dialog.showErrorBox('Shoal could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}

async function runApp(): Promise<void> {
  const pendingLinks = shoalLinksIn(process.argv);
  let openLink = (link: string) => void pendingLinks.push(link);
  // macOS delivers links as events, possibly before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openLink(url);
  });
  if (process.defaultApp) app.setAsDefaultProtocolClient(SHOAL_SCHEME, process.execPath, [resolve(process.argv[1] ?? '.')]);
  else app.setAsDefaultProtocolClient(SHOAL_SCHEME);

  await app.whenReady();
  const userData = app.getPath('userData');
  await mkdir(userData, { recursive: true });
  const logger = createLogger({ level: 'info', format: 'json', output: join(userData, 'logs', 'shoal.log') });
  failures.reportTo((kind, err) => {
    if (kind === 'uncaughtException') logger.fatal({ err }, 'an uncaught exception: quitting (state can no longer be trusted)');
    else logger.error({ err }, 'a promise failed and nothing handled it (a bug): the app keeps running');
  });
  const choicesFile = join(userData, 'node-choices.json');
  const windowFile = join(userData, 'window.json');

  let choices = (await loadChoices(choicesFile)) ?? (await chooseFoldersOnFirstRun());
  await saveChoices(choicesFile, choices);

  const host = new NodeHost({ dataDirectory: userData, logger, env: process.env, homedir: homedir(), platform: process.platform, hostname: hostname() });
  let window: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let pausedByTray: string[] = [];

  const refreshTray = () => {
    if (!tray) return;
    let downloads;
    try {
      downloads = host.current.downloads.list();
    } catch {
      return; // the node is restarting with new settings: the next event refreshes
    }
    tray.setToolTip(trayTooltip(downloads));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(downloads, pausedByTray.length > 0, {
      open: showWindow,
      pauseAll: () => void pauseAll().catch((err: unknown) => logger.warn({ err }, 'could not pause every download')),
      resumeAll,
      quit: () => app.quit(),
    })));
  };
  const pauseAll = async () => {
    // Remembered, so that "Resume" restarts only what the tray paused.
    pausedByTray = host.current.downloads.list().filter(isRunning).map((d) => d.id);
    await host.current.downloads.pauseAll();
    refreshTray();
  };
  const resumeAll = () => {
    for (const id of pausedByTray) {
      try {
        host.current.downloads.resume(id);
      } catch {
        // removed meanwhile
      }
    }
    pausedByTray = [];
    refreshTray();
  };

  // The tray's words follow the transfers, at most once a second (and once after the last change).
  const followTransfers = throttle(refreshTray, 1000);
  forwardEvents(host, (channel, event) => {
    window?.webContents.send(channel, event);
    if (event.type === 'transfer_completed') notifyCompleted(event.data as DownloadView);
    if (event.type.startsWith('transfer_')) followTransfers();
  });
  await host.start(choices);

  let announced = '';
  const updates = startUpdates({
    enabled: checksForUpdates(choices),
    isPackaged: app.isPackaged,
    version: app.getVersion(),
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    resourcesPath: process.resourcesPath,
    logger,
    onChange: (status) => {
      // Settings shows every state; the system tells the user once a release is there for them.
      if ((status.state !== 'notify' && status.state !== 'ready') || announced === `${status.state} ${status.version}`) return;
      announced = `${status.state} ${status.version}`;
      logger.info({ update: status }, 'a newer release is available');
      if (!Notification.isSupported()) return;
      const body = status.state === 'ready' ? 'It installs when you quit Shoal.' : 'Click to download it from its release page.';
      const notice = new Notification({ title: `Shoal ${status.version} is available`, body });
      if (status.state === 'notify') notice.on('click', () => void shell.openExternal(status.releaseUrl));
      notice.show();
    },
  });

  registerIpc({
    ipcMain,
    nodeApi: () => host.current.nodeApi,
    isAppUrl,
    logger,
    desktop: desktopHandlers({
      showItemInFolder: (path) => shell.showItemInFolder(path),
      openPath: (path) => shell.openPath(path),
      pickFolder: (title, defaultPath) => pickFolder(title, defaultPath, window),
      isKnownPath: (path) => host.knows(path),
      loginItem: {
        get: () => app.getLoginItemSettings().openAtLogin,
        set: (openAtLogin) => app.setLoginItemSettings({ openAtLogin }),
      },
      choices: () => choices,
      changeChoices: async (next) => {
        await saveChoices(choicesFile, next);
        choices = next;
        await host.restart(next);
      },
      saveChoices: async (next) => {
        await saveChoices(choicesFile, next);
        choices = next;
      },
      updates,
    }),
  });

  serveApp(protocol, rendererDirectory);
  denyPermissions(session.defaultSession, isAppUrl);
  app.on('web-contents-created', (_event, contents) => guardWindow(contents, (url) => shell.openExternal(url)));

  // Kept current as the window closes: reopened from the tray, it comes back where it was left.
  let saved = await loadWindowState(windowFile);
  function createWindow(): BrowserWindow {
    const bounds = placeWindow(saved, screen.getAllDisplays().map((d) => d.workArea));
    const win = new BrowserWindow(mainWindowOptions({ preloadPath, iconPath, ...(bounds ? { bounds } : {}) }));
    if (saved?.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    win.on('close', () => {
      saved = { ...win.getNormalBounds(), maximized: win.isMaximized() };
      void saveWindowState(windowFile, saved).catch(() => undefined);
    });
    win.on('closed', () => {
      window = null;
    });
    win.loadURL(`${APP_ORIGIN}/share`).catch((err: unknown) => logger.error({ err }, 'the window could not load the app'));
    return win;
  }
  function showWindow(): void {
    window ??= createWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  openLink = (link) => {
    const parsed = parseShoalLink(link);
    showWindow();
    if (!parsed) {
      void dialog.showMessageBox({ type: 'warning', message: 'This is not a Shoal file link.', detail: link.slice(0, 300) });
      return;
    }
    void host.current.downloads.start(parsed).catch((err: unknown) => logger.warn({ err, link }, 'could not start a linked download'));
    window?.loadURL(`${APP_ORIGIN}/transfers`).catch((err: unknown) => logger.warn({ err }, 'the window could not show Transfers'));
  };
  app.on('second-instance', (_event, argv) => {
    const links = shoalLinksIn(argv);
    if (links.length === 0) showWindow();
    for (const link of links) openLink(link);
  });

  tray = new Tray(nativeImage.createFromPath(iconPath).resize({ width: 18, height: 18 }));
  tray.on('click', showWindow);
  refreshTray();
  showWindow();
  for (const link of pendingLinks.splice(0)) openLink(link);

  // Closing the window keeps sharing from the tray (as BitTorrent clients do); Quit stops.
  app.on('window-all-closed', () => {
    /* stay in the tray */
  });
  app.on('activate', showWindow);
  let quitting: Promise<void> | null = null;
  app.on('before-quit', (event) => {
    if (quitting === null) {
      event.preventDefault();
      followTransfers.cancel();
      updates.stop();
      quitting = host.stop().catch((err: unknown) => logger.error({ err }, 'the node did not stop cleanly')).finally(() => {
        logger.flush();
        app.quit();
      });
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  function notifyCompleted(download: DownloadView): void {
    if (!Notification.isSupported()) return;
    const notice = new Notification({ title: 'Download complete', body: download.name, silent: false });
    if (download.path) {
      const path = download.path;
      notice.on('click', () => shell.showItemInFolder(path));
    }
    notice.show();
  }

  /** First run: the suggested folders, or the ones the user picks with the native folder picker. */
  async function chooseFoldersOnFirstRun(): Promise<NodeChoices> {
    const folders: NodeChoices = {
      sharedDirectory: defaultSharedDirectory(process.platform, homedir()),
      downloadDirectory: join(app.getPath('downloads'), 'Shoal'),
      ...DEFAULT_PORTS,
    };
    const { response } = await dialog.showMessageBox({
      type: 'question',
      title: 'Welcome to Shoal',
      message: 'Where should Shoal keep your files?',
      detail: `Shared folder (every file in it can be found by other Shoal users):\n${folders.sharedDirectory}\n\n`
        + `Downloads:\n${folders.downloadDirectory}\n\nYou can change both later in Settings.`,
      buttons: ['Use these folders', 'Choose folders\u2026'],
      defaultId: 0,
    });
    if (response === 1) {
      folders.sharedDirectory = (await pickFolder('Folder to share', folders.sharedDirectory, null)) ?? folders.sharedDirectory;
      folders.downloadDirectory = (await pickFolder('Folder for downloads', folders.downloadDirectory, null)) ?? folders.downloadDirectory;
    }
    return folders;
  }
}

/** The shoal:// links among a launch's arguments. */
function shoalLinksIn(argv: readonly string[]): string[] {
  return argv.filter((arg) => arg.startsWith(`${SHOAL_SCHEME}://`));
}

/** The native folder picker (over the window when there is one); null when the user cancels. */
async function pickFolder(title: string, defaultPath: string, parent: BrowserWindow | null): Promise<string | null> {
  const options = { title, defaultPath, properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
  const answer = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return answer.canceled ? null : (answer.filePaths[0] ?? null);
}

// The desktop app without Electron (its binary cannot be fetched here): the real preload.ts,
// bundled with `electron` replaced by e2e/support/electron-double.ts, runs in the page before the
// built renderer; its IPC calls cross to this process through a Playwright binding and land in the
// real ipc.ts handlers, registered on a test ipcMain over a real core node run by the real NodeHost.
import type { Frame, Page } from '@playwright/test';
import type { IpcMainInvokeEvent } from 'electron';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { build } from 'vite';
import { desktopHandlers } from '../../src-main/electron/desktop-handlers.js';
import type { NodeChoices } from '../../src-main/electron/desktop-settings.js';
import { forwardEvents, registerIpc } from '../../src-main/electron/ipc.js';
import { NodeHost } from '../../src-main/electron/node-host.js';

const root = join(import.meta.dirname, '..', '..');

/** Bundles the real preload with the electron double, once per test file. */
export async function buildHarnessPreload(outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    resolve: { alias: { electron: join(root, 'e2e', 'support', 'electron-double.ts') } },
    build: {
      lib: { entry: join(root, 'src-main', 'electron', 'preload.ts'), formats: ['iife'], name: 'shoalPreload', fileName: () => 'preload.js' },
      outDir,
      emptyOutDir: true,
      minify: false,
    },
  });
  return join(outDir, 'preload.js');
}

/** Electron's ipcMain, as far as ipc.ts uses it, plus the invoke the binding needs. */
class TestIpcMain {
  private readonly handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();

  handle(channel: string, handler: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  invoke(event: IpcMainInvokeEvent, channel: string, args: unknown[]): unknown {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

/** The event Electron would hand a handler: what matters is the sender frame, checked by ipc.ts. */
function invokeEvent(frame: Frame): IpcMainInvokeEvent {
  return { senderFrame: { url: frame.url(), parent: frame.parentFrame() } } as unknown as IpcMainInvokeEvent;
}

export interface DesktopHarness {
  host: NodeHost;
  folders: NodeChoices;
  /** A folder outside the shared one, for files dropped from "the desktop". */
  outside: string;
  /** What the desktop handlers were asked to do with the file manager. */
  shown: string[];
  /** Opens the app in the page, as the desktop window would. */
  open(page: Page, path?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDesktopHarness(preloadPath: string): Promise<DesktopHarness> {
  const base = await mkdtemp(join(tmpdir(), 'shoal-desktop-'));
  // Port 0: parallel tests never collide.
  const folders: NodeChoices = { sharedDirectory: join(base, 'shared'), downloadDirectory: join(base, 'downloads'), peerPort: 0, indexPort: 0 };
  const outside = join(base, 'desktop');
  await Promise.all([mkdir(folders.sharedDirectory), mkdir(outside)]);
  const host = new NodeHost({
    dataDirectory: join(base, 'data'),
    logger: pino({ level: 'error' }),
    // No LAN discovery: parallel tests never meet.
    env: { SHOAL_PEER_LAN_DISCOVERY: 'false' },
    homedir: base,
    platform: process.platform,
    hostname: 'desktop-harness',
  });
  let current = folders;
  const pages: Page[] = [];
  const emit = (channel: string, event: unknown) => {
    for (const page of pages) {
      void page.evaluate(([c, e]) => (window as unknown as { __shoalIpcEmit(c: string, e: unknown): void }).__shoalIpcEmit(c, e), [channel, event] as const).catch(() => undefined);
    }
  };
  // As main.ts does: every event of the running node, across restarts, goes to the window.
  const stopForwarding = forwardEvents(host, emit);
  await host.start(current);
  const ipcMain = new TestIpcMain();
  const shown: string[] = [];
  const appOrigin = () => host.current.url;
  const unregister = registerIpc({
    ipcMain,
    nodeApi: () => host.current.nodeApi,
    isAppUrl: (url) => url.startsWith(`${appOrigin()}/`),
    logger: pino({ level: 'silent' }),
    desktop: desktopHandlers({
      showItemInFolder: (path) => void shown.push(path),
      openPath: async (path) => {
        shown.push(path);
        return '';
      },
      pickFolder: async () => outside,
      isKnownPath: (path) => host.knows(path),
      loginItem: { get: () => false, set: () => undefined },
      choices: () => current,
      changeChoices: async (next) => {
        current = next;
        await host.restart(next);
      },
    }),
  });

  return {
    host,
    get folders() {
      return current;
    },
    outside,
    shown,
    async open(page, path = '/share') {
      await page.exposeBinding('__shoalIpcInvoke', ({ frame }, channel: string, args: unknown[]) => ipcMain.invoke(invokeEvent(frame), channel, args));
      await page.addInitScript({ path: preloadPath });
      pages.push(page);
      await page.goto(`${appOrigin()}${path}`);
    },
    async close() {
      stopForwarding();
      unregister();
      await host.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

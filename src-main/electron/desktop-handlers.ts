// The desktop-only methods of the contract. Opening or revealing a file is limited to files the
// node knows (shared, or downloaded): the window must not be able to open any path on the disk.
import { ShoalError } from '../../src-shared/errors.js';
import type { UpdateStatus } from '../../src-shared/api/update-status.js';
import { checksForUpdates, NODE_KEYS, type NodeChoices } from './desktop-settings.js';
import type { DesktopHandlers } from './ipc.js';

export interface DesktopDeps {
  showItemInFolder(path: string): void;
  /** Resolves with an error message, or '' when the file opened (Electron's shell.openPath). */
  openPath(path: string): Promise<string>;
  pickFolder(title: string, defaultPath: string): Promise<string | null>;
  isKnownPath(path: string): boolean;
  loginItem: { get(): boolean; set(openAtLogin: boolean): void };
  choices(): NodeChoices;
  /** Saves the choices and restarts the node with them. */
  changeChoices(choices: NodeChoices): Promise<void>;
  /** Saves the choices without touching the node (the update switch). */
  saveChoices?(choices: NodeChoices): Promise<void>;
  /** The update check (updates.ts); absent where there is none (tests, the harness). */
  updates?: { status(): UpdateStatus; setEnabled(on: boolean): void };
}

export function desktopHandlers(d: DesktopDeps): DesktopHandlers {
  const known = (path: string) => {
    if (!d.isKnownPath(path)) throw new ShoalError('PATH_OUTSIDE_LIBRARY', 'Only shared and downloaded files can be opened from the app.');
  };
  const settings = () => ({ ...d.choices(), launchAtLogin: d.loginItem.get(), checkForUpdates: checksForUpdates(d.choices()) });
  return {
    showInFolder: async ({ path }) => {
      known(path);
      d.showItemInFolder(path);
      return { ok: true as const };
    },
    openFile: async ({ path }) => {
      known(path);
      const problem = await d.openPath(path);
      if (problem) throw new ShoalError('SERVICE_UNAVAILABLE', `The file could not be opened: ${problem}`);
      return { ok: true as const };
    },
    chooseFolder: async ({ title }) => ({ path: await d.pickFolder(title, d.choices().sharedDirectory) }),
    getDesktopSettings: async () => settings(),
    setDesktopSettings: async (change) => {
      if (change.launchAtLogin !== undefined) d.loginItem.set(change.launchAtLogin);
      const { launchAtLogin: _, ...node } = change;
      const current = d.choices();
      const next = { ...current, ...node };
      if (NODE_KEYS.some((key) => next[key] !== current[key])) await d.changeChoices(next);
      else if (next.checkForUpdates !== current.checkForUpdates) await d.saveChoices?.(next);
      if (change.checkForUpdates !== undefined) d.updates?.setEnabled(change.checkForUpdates);
      return settings();
    },
    getUpdateStatus: async () => d.updates?.status() ?? { state: 'off' as const },
  };
}

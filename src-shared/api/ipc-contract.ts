// The node API over Electron's IPC, derived from the same route table as HTTP: one channel per
// method (every route but the byte streams), one channel for events, and the few methods only a
// desktop shell can answer (folders, the file manager, launch at login). preload.ts builds
// `window.shoal` from this; ipc.ts registers its handlers from this; the renderer types it.
import { z } from 'zod';
import { wireErrorCode, type ErrorCode } from '../errors.js';
import { okSchema } from './common.js';
import { peerRoutes, type PeerRouteName } from './peer-routes.js';
import { updateStatusSchema } from './update-status.js';

type Routes = typeof peerRoutes;

/** Routes that answer with a byte stream (HTTP only): the desktop shares by path instead. */
export type NodeMethodName = { [K in PeerRouteName]: Routes[K] extends { httpOnly: true } ? never : K }[PeerRouteName];

export const nodeMethodNames = (Object.keys(peerRoutes) as PeerRouteName[]).filter(
  (name): name is NodeMethodName => !('httpOnly' in peerRoutes[name]),
);

/** A call's parts, as the route table names them; nothing else may ride along. */
export const callPartsSchema = z.strictObject({
  params: z.record(z.string(), z.unknown()).optional(),
  query: z.record(z.string(), z.unknown()).optional(),
  body: z.unknown().optional(),
});
export type IpcCallParts = z.infer<typeof callPartsSchema>;

/** An absolute path on any platform: /home/…, C:\Users\…, or \\server\share. */
const pathSchema = z.string().min(1).max(4096).regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'expected an absolute path');

const portSchema = z.number().int().min(0).max(65_535).describe('0 = any free port');

export const desktopSettingsSchema = z.object({
  sharedDirectory: z.string(),
  downloadDirectory: z.string(),
  peerPort: portSchema,
  indexPort: portSchema,
  launchAtLogin: z.boolean(),
  /** Look for a newer release at start and every few hours (update-check.ts). */
  checkForUpdates: z.boolean(),
});
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;

export const desktopMethods = {
  /** Opens the system file manager with the file selected. */
  showInFolder: { input: z.strictObject({ path: pathSchema }), output: okSchema },
  /** Opens a file with the program the system picks for it. */
  openFile: { input: z.strictObject({ path: pathSchema }), output: okSchema },
  /** The native folder picker; `path` is null when the user cancels. */
  chooseFolder: { input: z.strictObject({ title: z.string().min(1).max(200) }), output: z.object({ path: z.string().nullable() }) },
  getDesktopSettings: { input: z.strictObject({}), output: desktopSettingsSchema },
  /** Folder and port changes restart the node (a moment); the answer comes once it runs again. */
  setDesktopSettings: {
    input: z.strictObject({
      sharedDirectory: pathSchema.optional(),
      downloadDirectory: pathSchema.optional(),
      peerPort: portSchema.optional(),
      indexPort: portSchema.optional(),
      launchAtLogin: z.boolean().optional(),
      checkForUpdates: z.boolean().optional(),
    }),
    output: desktopSettingsSchema,
  },
  /** Where the update check stands: the Settings notice. */
  getUpdateStatus: { input: z.strictObject({}), output: updateStatusSchema },
} as const;
export type DesktopMethodName = keyof typeof desktopMethods;
export const desktopMethodNames = Object.keys(desktopMethods) as DesktopMethodName[];

export const nodeChannel = (name: NodeMethodName) => `shoal:node:${name}`;
export const desktopChannel = (name: DesktopMethodName) => `shoal:desktop:${name}`;
/** Main → window: every node event as {type, data, timestamp}. */
export const EVENT_CHANNEL = 'shoal:event';

/**
 * What every IPC handler answers. Errors travel as data: Electron would flatten a thrown error
 * into a message string, and the UI needs the catalogue code.
 */
export type IpcResult =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: ErrorCode; message: string; status: number } };

/**
 * An IPC answer as the window reads it: it crossed a process boundary, so it is checked, and an
 * error code the catalogue lacks (a main process of another release) becomes UNKNOWN_CODE, never
 * a bare string.
 */
export const ipcResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string().transform(wireErrorCode), message: z.string(), status: z.number().int() }),
  }),
]);

export interface IpcEvent {
  type: string;
  data: unknown;
  timestamp: string;
}

/** `window.shoal`, as preload.ts exposes it. */
export interface ShoalWindowApi {
  node: { [K in NodeMethodName]: (parts: IpcCallParts) => Promise<IpcResult> };
  desktop: {
    [K in DesktopMethodName]: (input: z.input<(typeof desktopMethods)[K]['input']>) => Promise<IpcResult>;
  };
  /** Every node event; returns the unsubscribe function. */
  onEvent(listener: (event: IpcEvent) => void): () => void;
  /** The real path of a dropped or chosen file, so it is shared where it is, not copied. */
  getPathForFile(file: File): string;
}

// The desktop app's own choices for its node, kept in its user-data folder: which folder it
// shares, where downloads land (asked once, on first run, with the native folder picker) and the
// ports it listens on. Changing any of them restarts the node. Kept with them, but no node
// setting: whether the app checks for updates (absent = yes, so older files mean "on").
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.js';

export const DEFAULT_PORTS = { peerPort: 9001, indexPort: 8080 } as const;

const portSchema = z.number().int().min(0).max(65_535);

const choicesSchema = z.object({
  sharedDirectory: z.string().min(1),
  downloadDirectory: z.string().min(1),
  peerPort: portSchema.default(DEFAULT_PORTS.peerPort),
  indexPort: portSchema.default(DEFAULT_PORTS.indexPort),
  checkForUpdates: z.boolean().optional(),
});
export type NodeChoices = z.infer<typeof choicesSchema>;

/** The choices the node runs with: a change to any of these restarts it. */
export const NODE_KEYS = ['sharedDirectory', 'downloadDirectory', 'peerPort', 'indexPort'] as const;

export const checksForUpdates = (choices: NodeChoices) => choices.checkForUpdates ?? true;

export const loadChoices = (path: string) => readJsonFile(path, choicesSchema);
export const saveChoices = (path: string, choices: NodeChoices) => writeJsonFile(path, choices);

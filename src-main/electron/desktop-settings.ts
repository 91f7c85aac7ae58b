// The desktop app's own choices, kept in its user-data folder: which folder it shares and where
// downloads land (asked once, on first run, with the native folder picker).
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.js';

const foldersSchema = z.object({
  sharedDirectory: z.string().min(1),
  downloadDirectory: z.string().min(1),
});
export type DesktopFolders = z.infer<typeof foldersSchema>;

export const loadFolders = (path: string) => readJsonFile(path, foldersSchema);
export const saveFolders = (path: string, folders: DesktopFolders) => writeJsonFile(path, folders);

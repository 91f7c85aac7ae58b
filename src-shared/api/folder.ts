// A file's folder inside the shared folder ("Music/Daft Punk/Homework (1997)"), as peers tell the
// index: searchable context, and what tells same-named files apart. It is relative to the folder
// that was shared, never the path above it (that would show where the user keeps files).
import { z } from 'zod';

export const MAX_FOLDER_LENGTH = 512;
export const MAX_FOLDER_DEPTH = 16;

/** True for a relative folder: names joined by `/`, none empty, `.`, `..`, or holding `\` or a control character. */
export function isSafeFolder(folder: string): boolean {
  if (folder.length === 0 || folder.length > MAX_FOLDER_LENGTH) return false;
  const names = folder.split('/');
  if (names.length > MAX_FOLDER_DEPTH) return false;
  // eslint-disable-next-line no-control-regex
  return names.every((n) => n !== '' && n !== '.' && n !== '..' && !/[\\\u0000-\u001f\u007f]/.test(n) && !/^[A-Za-z]:$/.test(n));
}

/**
 * A folder as sent over the wire. Bounded like names are; a folder deeper or longer than the
 * bounds is cut to its deepest names by the sender (boundFolder), so a file is never refused for it.
 */
export const folderSchema = z
  .string()
  .max(MAX_FOLDER_LENGTH)
  .refine(isSafeFolder, 'a folder is relative: names joined by "/", no "." or "..", no "\\" or control characters')
  .describe('the folder it is in, inside the shared folder ("/" between names)');

/** `folder` within the bounds, keeping its deepest names (nearest the file); undefined when nothing fits. */
export function boundFolder(folder: string): string | undefined {
  const names = folder.split('/').filter((n) => n !== '' && n !== '.' && n !== '..');
  while (names.length > 0 && (names.length > MAX_FOLDER_DEPTH || names.join('/').length > MAX_FOLDER_LENGTH)) names.shift();
  const bounded = names.join('/');
  return isSafeFolder(bounded) ? bounded : undefined;
}

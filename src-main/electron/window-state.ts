// The window comes back where the user left it, unless that place is on no screen any more
// (a monitor unplugged): then it keeps its size and the system places it.
import type { Rectangle } from 'electron';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.js';
import { MIN_SIZE, type WindowBounds } from './window-options.js';

const boundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(MIN_SIZE.width).max(20_000),
  height: z.number().int().min(MIN_SIZE.height).max(20_000),
  maximized: z.boolean().default(false),
});
export type SavedWindowState = z.infer<typeof boundsSchema>;

/** The bounds to open with: the saved ones if at least a corner of the title bar shows on some screen. */
export function placeWindow(saved: SavedWindowState | null, workAreas: readonly Rectangle[]): WindowBounds | undefined {
  if (!saved) return undefined;
  const titleBarVisible = workAreas.some((a) => saved.x + 100 > a.x && saved.x < a.x + a.width - 100 && saved.y >= a.y && saved.y < a.y + a.height - 50);
  return titleBarVisible ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : { width: saved.width, height: saved.height };
}

export const loadWindowState = (path: string) => readJsonFile(path, boundsSchema);
export const saveWindowState = (path: string, state: SavedWindowState) => writeJsonFile(path, state);

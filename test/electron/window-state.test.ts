// Where a restored window opens: where the user left it, unless that place is on no screen any
// more; and the saved state survives a round trip while a damaged file is ignored.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, placeWindow, saveWindowState } from '../../src-main/electron/window-state.js';
import { makeTempDir } from '../support/temp-dir.js';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };
const second = { x: 1920, y: 0, width: 1280, height: 1024 };

describe('placeWindow', () => {
  it('opens where the window was left when its title bar shows on some screen', () => {
    expect(placeWindow({ x: 100, y: 50, width: 800, height: 600, maximized: false }, [screen])).toEqual({ x: 100, y: 50, width: 800, height: 600 });
    expect(placeWindow({ x: 2000, y: 10, width: 800, height: 600, maximized: false }, [screen, second])).toEqual({ x: 2000, y: 10, width: 800, height: 600 });
  });

  it('keeps only the size when that place is off every screen (a monitor unplugged), and nothing without a saved state', () => {
    expect(placeWindow({ x: 2000, y: 10, width: 800, height: 600, maximized: false }, [screen])).toEqual({ width: 800, height: 600 });
    expect(placeWindow({ x: 100, y: -400, width: 800, height: 600, maximized: false }, [screen])).toEqual({ width: 800, height: 600 });
    expect(placeWindow(null, [screen])).toBeUndefined();
  });
});

describe('window state file', () => {
  it('reads back what was saved, and nothing from a damaged or missing file', async () => {
    const dir = await makeTempDir();
    try {
      const file = join(dir.path, 'window.json');
      expect(await loadWindowState(file)).toBeNull();
      await saveWindowState(file, { x: 10, y: 20, width: 900, height: 700, maximized: true });
      expect(await loadWindowState(file)).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: true });
      await writeFile(file, '{"x": 1, "y": 2, "width": 10, "height": 10}'); // smaller than the minimum
      expect(await loadWindowState(file)).toBeNull();
      await writeFile(file, 'not json');
      expect(await loadWindowState(file)).toBeNull();
    } finally {
      await dir.remove();
    }
  });
});

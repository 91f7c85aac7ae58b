// Keeps document.title on the total speed while something moves, so a background tab or the
// desktop app's taskbar entry shows it.
import { useEffect } from 'react';
import { windowTitle } from './total-speed.js';

export function useWindowTitle(label: string | null): void {
  useEffect(() => {
    document.title = windowTitle(label);
  }, [label]);
}

// Light, dark, or as the system says. Stored per browser; applied as <html data-theme>, which the
// CSS variables follow.
export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];

const KEY = 'shoal.theme';

export function readTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(KEY);
  return themes.includes(saved as Theme) ? (saved as Theme) : 'system';
}

export function saveTheme(theme: Theme): void {
  globalThis.localStorage?.setItem(KEY, theme);
}

export function resolvedTheme(theme: Theme): 'light' | 'dark' {
  if (theme !== 'system') return theme;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  root.dataset.theme = resolvedTheme(theme);
  root.dataset.themeChoice = theme;
}

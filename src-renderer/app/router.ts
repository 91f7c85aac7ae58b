// Six views, one address each (/share, /search, /transfers, /network, /dashboard, /settings), with the History API:
// the node answers every such path with the app (SPA fallback), so reloads and links work.
import { useSyncExternalStore } from 'react';

export const views = [
  { path: '/share', label: 'Share' },
  { path: '/search', label: 'Search' },
  { path: '/transfers', label: 'Transfers' },
  { path: '/network', label: 'Network' },
  { path: '/dashboard', label: 'Dashboard' },
  { path: '/settings', label: 'Settings' },
] as const;
export type ViewPath = (typeof views)[number]['path'];

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(path: ViewPath): void {
  if (location.pathname === path) return;
  history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useViewPath(): ViewPath {
  const path = useSyncExternalStore(subscribe, () => location.pathname);
  return views.some((v) => v.path === path) ? (path as ViewPath) : '/share';
}

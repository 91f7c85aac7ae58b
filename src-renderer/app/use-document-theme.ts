// The theme the page shows now (<html data-theme>), for what CSS cannot colour by itself, such as
// canvas charts: they read their colours again when it changes (a choice in Settings or the system's).
import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

const current = () => document.documentElement.dataset.theme ?? 'light';

export function useDocumentTheme(): string {
  return useSyncExternalStore(subscribe, current, () => 'light');
}

// The control token arrives once in the address (`shoal serve` prints `/?token=…`, Jupyter-style),
// is kept in sessionStorage for reloads of this tab, and is removed from the address bar so it
// does not end up in bookmarks, history or screenshots.
const KEY = 'shoal.token';

export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(KEY);
}

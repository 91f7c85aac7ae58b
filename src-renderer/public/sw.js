// The app shell's service worker: the UI opens even while the node is down (it then says so and
// retries), and installs as an app. It caches only the built files listed in precache.json,
// never the API or the event socket: what the node says is always asked of the node.
const CACHE = 'shoal-shell-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const list = await (await fetch('/precache.json', { cache: 'no-store' })).json();
      const cache = await caches.open(CACHE);
      await cache.addAll(['/', ...list.map((file) => `/${file}`)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/ws') return;
  if (event.request.mode === 'navigate') {
    // The page itself: the node's copy when it answers (a new version), else the cached shell.
    event.respondWith(
      (async () => {
        try {
          const fresh = await fetch(event.request);
          if (fresh.ok) (await caches.open(CACHE)).put('/', fresh.clone());
          return fresh;
        } catch {
          return (await caches.match('/')) ?? Response.error();
        }
      })(),
    );
    return;
  }
  // Built files have content hashes in their names: the cached copy is always right.
  event.respondWith((async () => (await caches.match(event.request)) ?? fetch(event.request))());
});

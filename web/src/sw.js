// Service worker: precaches the app (shell, code, WASM, model, config) so it
// works offline after one visit. build.mjs fills in __PRECACHE__ (paths
// relative to the scope) and __CACHE_VERSION__ (a hash of their contents).
/* global __PRECACHE__, __CACHE_VERSION__ */
const CACHE = `digits-${__CACHE_VERSION__}`;
const PRECACHE = __PRECACHE__.map((path) => new URL(path, self.registration.scope).href);

self.addEventListener('install', (event) => {
  // Bypass the HTTP cache so a new version never precaches stale files.
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('digits-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.search = ''; // ?backend=... selects a backend, not a different page
  url.hash = '';
  if (!PRECACHE.includes(url.href)) return; // downloads and the rest go to the network as usual
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.href)).then((hit) => hit ?? fetch(request)));
});

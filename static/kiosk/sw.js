// The kiosk's service worker, served at /kiosk/sw.js with scope /kiosk (routes/pages/kiosk.tsx
// puts `self.KIOSK_SHELL = {version, assets}` before this file: the content-hashed script and
// stylesheet of the current build). It keeps the kiosk page and its assets so a reload works
// offline:
// - /kiosk itself: network first (the server renders the pairing it sees), the last good copy
//   when the network fails;
// - the build's assets: from the cache (their names change with their content);
// - the organization's logo and accent stylesheet (/branding/…, versioned): kept once fetched;
// - everything else (the API above all): untouched, straight to the network.
// Caches of older versions are removed when a new version activates.

/* global self, caches, fetch, Response */

const SHELL = self.KIOSK_SHELL;
const CACHE = `kiosk-${SHELL.version}`;
const PAGE = "/kiosk";

async function storePage(cache) {
  const res = await fetch(PAGE, { credentials: "same-origin", cache: "no-store" });
  if (res.ok) await cache.put(PAGE, res);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.assets);
    await storePage(cache);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("kiosk-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "refresh-shell") {
    event.waitUntil(caches.open(CACHE).then(storePage).catch(() => {}));
  }
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const res = await fetch(req);
        if (res.ok) await cache.put(PAGE, res.clone());
        return res;
      } catch (err) {
        const kept = await cache.match(PAGE);
        if (kept) return kept;
        throw err;
      }
    })());
  } else if (url.pathname.startsWith("/branding/")) {
    // The organization's logo and accent stylesheet: versioned URLs, kept once fetched.
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      const kept = await cache.match(req);
      if (kept) return kept;
      const res = await fetch(req);
      if (res.ok) await cache.put(req, res.clone());
      return res;
    })());
  } else if (SHELL.assets.includes(url.pathname)) {
    event.respondWith((async () => {
      const kept = await caches.match(url.pathname);
      return kept ?? fetch(req);
    })());
  }
});

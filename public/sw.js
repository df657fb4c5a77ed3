// Onboard's service worker. The server serves it at /sw.js with the first line replaced
// by this build's version and the list of files to precache (every hashed file under
// /pkg — the main WASM, its JS, the CSS and every split-off chunk — plus icons and the
// offline page), so a new deployment is a new worker.
const BUILD = { version: "dev", precache: [] };

// What it does:
// - /pkg, icons, manifest: cache first (their names change with their content).
// - Pages: network first. Only pages that must open offline (the new-customer wizard and
//   the offline page) are kept, and only while signed in: no customer data is cached.
// - /api/ and every non-GET request: never cached, straight to the network.
// - Sign-out (the sign-in page with ?signed_out=1, or a "signed-out" message) drops the
//   kept pages.
const ASSETS = `onboard-assets-${BUILD.version}`;
const PAGES = "onboard-pages";
const OFFLINE_PAGES = ["/customers/new"];
const OFFLINE_FALLBACK = "/offline";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(ASSETS);
      await cache.addAll(BUILD.precache.map((url) => new Request(url, { cache: "reload" })));
      // without the session cookie: the page then carries nobody's data
      await cache.add(new Request(OFFLINE_FALLBACK, { cache: "reload", credentials: "omit" }));
    })(),
  );
  // A new version waits until the page says "update" (the prompt), unless nothing runs
  // an old one yet.
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("onboard-assets-") && key !== ASSETS) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const kind = event.data && event.data.kind;
  if (kind === "update") self.skipWaiting();
  if (kind === "signed-out") event.waitUntil(caches.delete(PAGES));
  if (kind === "keep-page" && OFFLINE_PAGES.includes(event.data.path)) {
    // The page asks to be kept once it runs (it was loaded before this worker existed).
    event.waitUntil(keepPage(event.data.path));
  }
});

async function keepPage(path) {
  const res = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (res.ok && !res.redirected && new URL(res.url).pathname === path) {
    await (await caches.open(PAGES)).put(path, res);
  }
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;

  if (req.mode === "navigate") {
    event.respondWith(page(req, url));
    return;
  }
  if (url.pathname.startsWith("/pkg/") || BUILD.precache.includes(url.pathname)) {
    event.respondWith(asset(req));
  }
});

async function asset(req) {
  const cached = await caches.match(req, { ignoreSearch: true });
  if (cached) return cached;
  const res = await fetch(req);
  if (res.ok && new URL(req.url).pathname.startsWith("/pkg/")) {
    (await caches.open(ASSETS)).put(req, res.clone());
  }
  return res;
}

async function page(req, url) {
  if (url.pathname === "/login" && url.searchParams.has("signed_out")) {
    await caches.delete(PAGES);
  }
  try {
    const res = await fetch(req);
    // Keep a fresh copy of an offline page, but never a redirect (to sign-in) or an error.
    if (OFFLINE_PAGES.includes(url.pathname) && res.ok && !res.redirected && url.search === "") {
      (await caches.open(PAGES)).put(url.pathname, res.clone());
    }
    return res;
  } catch (offline) {
    const kept = OFFLINE_PAGES.includes(url.pathname) && (await (await caches.open(PAGES)).match(url.pathname));
    if (kept) return kept;
    return (await caches.match(OFFLINE_FALLBACK)) || new Response("Offline", { status: 503, headers: { "content-type": "text/plain" } });
  }
}

// The installable app's page side, loaded by every page as a module (before and
// independent of the WASM):
// - registers the service worker (/sw.js) and shows the update prompt when a new version
//   is waiting;
// - keeps the outbox: submissions made offline (the new-customer wizard puts them here
//   with their idempotency key), in IndexedDB, replayed once each when the browser is
//   online — on start, when the page becomes visible, on the `online` event and every
//   20 seconds (the event alone is unreliable). A replay after a lost response is
//   harmless: the server answers a known key with the first result. A submission the
//   server refuses stays on the device as "refused", with the server's field errors,
//   for the wizard to reopen as a draft;
// - shows the number of waiting submissions in a bar at the bottom of the page.
// The WASM talks to it through `window.onboardOutbox` (see app/src/shell/pwa.rs).
// Texts come from the page (<script type="application/json" id="onboard-pwa">).

const texts = (() => {
  try {
    return JSON.parse(document.getElementById("onboard-pwa").textContent);
  } catch {
    return {};
  }
})();

// ---------------------------------------------------------------- IndexedDB outbox
const DB_NAME = "onboard";
const STORE = "outbox";

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: "key" });
      store.createIndex("user", "user");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

const entriesOf = (user) => tx("readonly", (s) => s.index("user").getAll(user));

let currentUser = null;
let replaying = null;

const outbox = {
  /** Queues a submission: `key` is its idempotency key, `url` the endpoint, `body` the
   * JSON it sends, `label` what the bar and the wizard show (the customer's name). */
  async add(user, key, url, body, label) {
    await tx("readwrite", (s) =>
      s.put({ key, user, url, body, label, state: "waiting", errors: null, queuedAt: Date.now() }),
    );
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    render();
    setTimeout(replay, 0);
  },
  /** Submissions the server refused, for the wizard to reopen: [{key, body, label, errors}]. */
  async refused(user) {
    return (await entriesOf(user)).filter((e) => e.state === "refused");
  },
  async waiting(user) {
    return (await entriesOf(user)).filter((e) => e.state === "waiting").length;
  },
  async remove(key) {
    await tx("readwrite", (s) => s.delete(key));
    render();
  },
  /** The signed-in user (or null): only their submissions are sent and counted. */
  setUser(user) {
    currentUser = user || null;
    render();
    replay();
  },
  replay: () => replay(),
};
window.onboardOutbox = outbox;

// One replay at a time; each entry is sent once per pass and leaves the outbox only when
// the server has answered it.
function replay() {
  if (!currentUser || !navigator.onLine) return Promise.resolve();
  if (!replaying) {
    replaying = sendAll(currentUser).finally(() => {
      replaying = null;
      render();
    });
  }
  return replaying;
}

async function sendAll(user) {
  for (const entry of await entriesOf(user)) {
    if (entry.state !== "waiting") continue;
    let res;
    try {
      res = await fetch(entry.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: entry.body,
      });
    } catch {
      return; // still offline, or the connection dropped: try again later
    }
    if (res.ok) {
      let id = null;
      try {
        id = await res.json();
      } catch {}
      await tx("readwrite", (s) => s.delete(entry.key));
      window.dispatchEvent(new CustomEvent("onboard-outbox-sent", { detail: { key: entry.key, id, label: entry.label } }));
      continue;
    }
    if (res.status === 401 || res.status === 429 || res.status >= 500) return; // sign in again / later
    // Refused (422 with field errors, 409, 403, …): keep it, with what the server said.
    let errors = null;
    try {
      errors = await res.json();
    } catch {}
    await tx("readwrite", (s) => s.put({ ...entry, state: "refused", errors }));
    window.dispatchEvent(new CustomEvent("onboard-outbox-refused", { detail: { key: entry.key } }));
  }
}

window.addEventListener("online", () => replay());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") replay();
});
setInterval(() => replay(), 20_000);

// ---------------------------------------------------------------- the bar
let bar = null;
function barElement() {
  if (!bar) {
    bar = document.createElement("div");
    bar.id = "pwa-bar";
    bar.className = "pwa-bar";
    bar.setAttribute("role", "status");
    bar.setAttribute("aria-live", "polite");
    // Outside <body>, which the WASM hydrates: nothing here can disturb it.
    document.documentElement.appendChild(bar);
  }
  return bar;
}

const fill = (template, n) => (template || "").replace("{count}", String(n));

async function render() {
  if (!("indexedDB" in window)) return;
  const el = barElement();
  const parts = [];
  if (currentUser) {
    const all = await entriesOf(currentUser).catch(() => []);
    const waiting = all.filter((e) => e.state === "waiting").length;
    const refused = all.filter((e) => e.state === "refused").length;
    if (waiting) parts.push(`<span class="pwa-waiting" data-count="${waiting}">${esc(fill(waiting === 1 ? texts.waiting_one : texts.waiting_many, waiting))}</span>`);
    if (refused) parts.push(`<a class="pwa-refused" href="/customers/new" data-count="${refused}">${esc(fill(texts.refused, refused))}</a>`);
  }
  if (updateWaiting) {
    parts.push(`<span class="pwa-update">${esc(texts.update || "")} <button type="button" class="button small primary" id="pwa-reload">${esc(texts.reload || "")}</button></span>`);
  }
  el.innerHTML = parts.join(" ");
  el.hidden = parts.length === 0;
  const reload = el.querySelector("#pwa-reload");
  if (reload) reload.addEventListener("click", () => updateWaiting && updateWaiting.postMessage({ kind: "update" }));
}

function esc(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// ---------------------------------------------------------------- service worker
let updateWaiting = null;

if ("serviceWorker" in navigator) {
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then((reg) => {
    const offer = (worker) => {
      // The first worker takes over by itself; a later one waits for the user's go.
      if (worker && navigator.serviceWorker.controller) {
        updateWaiting = worker;
        render();
      }
    };
    if (reg.waiting) offer(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const w = reg.installing;
      if (!w) return;
      w.addEventListener("statechange", () => {
        if (w.state === "installed") offer(w);
      });
    });
    // Check for a new version when the page comes back into view.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") reg.update().catch(() => {});
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Reload once the new version has taken over, but not on the very first install.
    if (hadController && !reloading) {
      reloading = true;
      location.reload();
    }
  });
  if (location.pathname === "/login" && new URLSearchParams(location.search).has("signed_out")) {
    navigator.serviceWorker.ready.then((reg) => reg.active && reg.active.postMessage({ kind: "signed-out" }));
  }
}

/** Asks the worker to keep a page for offline use (the wizard, while signed in); asked
 * again when a worker takes over, which on a first install happens after the page ran. */
const keep = new Set();
function askToKeep() {
  if (!("serviceWorker" in navigator) || keep.size === 0) return;
  navigator.serviceWorker.ready.then((reg) => {
    const worker = navigator.serviceWorker.controller || reg.active;
    for (const path of keep) worker && worker.postMessage({ kind: "keep-page", path });
  });
}
outbox.keepForOffline = (path) => {
  keep.add(path);
  askToKeep();
};
if ("serviceWorker" in navigator) navigator.serviceWorker.addEventListener("controllerchange", askToKeep);

render();

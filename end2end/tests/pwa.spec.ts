import { chromium, expect, request, test, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { admin, jsEnabled, ready, signIn, watchConsole } from "./helpers";

// The installable app: manifest and service worker, the wizard offline with its outbox,
// and what the caches hold after sign-out. Service workers need JavaScript: the no-JS run
// only checks that the pages it serves do not depend on them.

async function next(page: Page) {
  await page.getByRole("button", { name: "Next" }).click();
}

/** Fills the wizard with a small customer (no contract) and goes to the summary. */
async function fillCustomer(page: Page, name: string, domain: string) {
  await expect(page.getByRole("heading", { name: "Customer", exact: true })).toBeVisible();
  await page.getByLabel("Customer name").fill(name);
  await page.getByRole("button", { name: "Show more" }).click();
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await next(page);
  await expect(page.getByRole("heading", { name: "Contract", exact: true })).toBeVisible();
  const skip = page.getByRole("button", { name: "Skip" });
  if (await skip.count()) await skip.first().click();
  else await next(page);
  await expect(page.getByRole("heading", { name: "SLA and alerts" })).toBeVisible();
  await next(page);
  await expect(page.getByRole("heading", { name: "Contact", exact: true })).toBeVisible();
  await page.getByLabel("First name").fill("Olga");
  await page.getByLabel("Last name").fill("Offline");
  await page.getByLabel("E-mail").fill(`olga@${domain}`);
  await next(page);
  await expect(page.getByRole("heading", { name: "Summary" })).toBeVisible();
}

/** Signed-in API calls that do not go through the page (so they work while it is offline). */
async function api(baseURL: string) {
  const ctx = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  const login = await ctx.post("/api/login", { form: { email: admin.email, password: admin.password } });
  expect(login.ok()).toBeTruthy();
  return ctx;
}

async function customersNamed(baseURL: string, name: string): Promise<number> {
  const ctx = await api(baseURL);
  const res = await ctx.post("/api/customers/list", { data: { query: { q: name } } });
  expect(res.ok()).toBeTruthy();
  const rows = (await res.json()).rows as { name: string }[];
  await ctx.dispose();
  return rows.filter((r) => r.name === name).length;
}

/** Waits until the service worker controls the page and has kept the wizard for offline use. */
async function waitForOfflineReady(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          if (!navigator.serviceWorker.controller) return false;
          const reg = await navigator.serviceWorker.ready;
          if (!reg.active || reg.active.state !== "activated") return false;
          const pages = await caches.open("onboard-pages");
          return !!(await pages.match("/customers/new"));
        }),
      { timeout: 20_000 },
    )
    .toBe(true);
}

/** Signs in, waits until the wizard is kept for offline use, goes offline, opens the
 * wizard from the device and creates a customer there: it lands in the outbox. */
async function queueOffline(page: Page, context: BrowserContext, testInfo: TestInfo, name: string, domain: string) {
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await ready(page, testInfo);
  await waitForOfflineReady(page);
  await context.setOffline(true);
  await page.goto("/customers/new");
  await ready(page, testInfo);
  await fillCustomer(page, name, domain);
  await page.getByRole("button", { name: "Create customer" }).click();
  await expect(page.locator("#pwa-bar")).toContainText("1 customer saved on this device");
}


test.describe("installable app", () => {
  test.beforeEach(({}, testInfo) => {
    test.skip(!jsEnabled(testInfo), "service workers need JavaScript");
  });

  test("Chromium finds it installable: manifest, icons, an active service worker", async ({ baseURL }) => {
    // An incognito context (Playwright's default) always reports `in-incognito`.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onboard-pwa-"));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      baseURL,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto("/login");
      expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => !!r.active))).toBe(true);
      const manifest = await (await page.request.get("/manifest.webmanifest")).json();
      expect(manifest.display).toBe("standalone");
      expect(manifest.icons.map((i: any) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
      for (const icon of manifest.icons) expect((await page.request.get(icon.src)).ok()).toBeTruthy();
      const cdp = await context.newCDPSession(page);
      let errors: any[] = [];
      for (let i = 0; i < 20; i++) {
        errors = (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors;
        if (errors.length === 0) break;
        await page.waitForTimeout(500);
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("offline, the wizard opens from the cache and queues; online again, it is created exactly once", async ({ page, context, baseURL }, testInfo) => {
    const errors = watchConsole(page);
    const name = `Kellerbüro ${Date.now()} GmbH`;
    await queueOffline(page, context, testInfo, name, `keller-${Date.now()}.de`);
    await expect(page.getByRole("status").filter({ hasText: "Saved on this device — will be sent when you are online" })).toBeVisible();

    // reloaded while still offline: the page comes from the cache, the submission stays
    await page.reload();
    await ready(page, testInfo);
    await expect(page.locator("#pwa-bar")).toContainText("1 customer saved on this device");
    // a page the worker did not keep: the offline page, not the browser's error
    await page.goto("/settings/users");
    await expect(page.getByRole("heading", { name: "You are offline" })).toBeVisible();
    await page.goto("/customers/new");
    await ready(page, testInfo);
    expect(await customersNamed(baseURL!, name)).toBe(0);

    await context.setOffline(false);
    await expect.poll(() => customersNamed(baseURL!, name), { timeout: 30_000 }).toBe(1);
    await expect(page.locator("#pwa-bar .pwa-waiting")).toHaveCount(0, { timeout: 30_000 });
    // more replays (a new start, a visibility change) find nothing left to send
    await page.reload();
    await ready(page, testInfo);
    await page.evaluate(() => (window as any).onboardOutbox.replay());
    expect(await customersNamed(baseURL!, name)).toBe(1);
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e))).toEqual([]);
  });

  test("a replay whose answer is lost is sent again and still creates one customer", async ({ page, context, baseURL }, testInfo) => {
    const name = `Funkloch ${Date.now()} SL`;
    await queueOffline(page, context, testInfo, name, `funkloch-${Date.now()}.es`);

    // Back online, but the connection drops after the server has the request: it creates
    // the customer, the browser never sees the answer.
    let dropped = 0;
    await page.route("**/api/customers/create", async (route) => {
      await route.fetch();
      dropped++;
      await route.abort("connectionreset");
    });
    await context.setOffline(false);
    await expect.poll(() => dropped, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await customersNamed(baseURL!, name)).toBe(1);
    await expect(page.locator("#pwa-bar")).toContainText("1 customer saved on this device");

    // The next replay gets through: the server knows the key and answers with that customer.
    await page.unroute("**/api/customers/create");
    await page.evaluate(() => (window as any).onboardOutbox.replay());
    await expect(page.locator("#pwa-bar .pwa-waiting")).toHaveCount(0, { timeout: 30_000 });
    expect(await customersNamed(baseURL!, name)).toBe(1);
  });

  test("a queued customer the server refuses comes back as a draft with the server's errors", async ({ page, context, baseURL }, testInfo) => {
    const name = `Doppelt ${Date.now()} GmbH`;
    const domain = `doppelt-${Date.now()}.de`;
    await queueOffline(page, context, testInfo, name, domain);

    // Meanwhile a colleague creates a customer with the same domain.
    const colleague = await api(baseURL!);
    const taken = await colleague.post("/api/customers/create", {
      data: { draft: { customer: { name: `${name} (colleague)`, domains: [domain] }, contact: { first_name: "A", last_name: "B", email: `a@${domain}` } }, idempotency_key: crypto.randomUUID() },
    });
    expect(taken.status()).toBe(200);
    await colleague.dispose();

    await context.setOffline(false);
    await expect(page.locator("#pwa-bar .pwa-refused")).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("#pwa-bar .pwa-waiting")).toHaveCount(0);
    await page.goto("/customers/new");
    await ready(page, testInfo);
    await page.getByRole("button", { name: `Open “${name}”` }).click();
    await expect(page.getByRole("status").filter({ hasText: "refused by the server" })).toBeVisible();
    await expect(page.getByLabel("Customer name")).toHaveValue(name);
    await expect(page.getByText("already", { exact: false }).first()).toBeVisible();
    expect(await customersNamed(baseURL!, name)).toBe(0);
    await expect(page.locator("#pwa-bar .pwa-refused")).toHaveCount(0);
  });

  test("after sign-out the caches hold no page and no customer data", async ({ page }, testInfo) => {
    await signIn(page, testInfo);
    await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
    await ready(page, testInfo);
    await waitForOfflineReady(page);
    await page.goto("/customers");
    await ready(page, testInfo);
    await page.locator(".usermenu summary").click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signed_out=1/);
    await ready(page, testInfo);
    const cachedUrls = () =>
      page.evaluate(async () => {
        const urls: string[] = [];
        for (const key of await caches.keys()) {
          for (const req of await (await caches.open(key)).keys()) urls.push(new URL(req.url).pathname);
        }
        return urls;
      });
    // only the build's files, the public icons and pwa.js, the public offline page and the
    // public reference tables (phone, postal-code and bank rules)
    const personal = (urls: string[]) => urls.filter((u) => !u.startsWith("/pkg/") && !/^\/(pwa\.js|icon[-\w.]*|apple-touch-icon\.png|offline|rules\/[0-9a-f]{16}\.tsv)$/.test(u));
    await expect.poll(async () => personal(await cachedUrls()), { timeout: 10_000 }).toEqual([]);
    const urls = await cachedUrls();
    expect(urls.some((u) => u.startsWith("/pkg/"))).toBeTruthy();
    const texts = await page.evaluate(async () => {
      const found: string[] = [];
      for (const key of await caches.keys()) {
        const cache = await caches.open(key);
        for (const req of await cache.keys()) {
          if (!req.url.endsWith(".wasm")) found.push(await (await cache.match(req))!.text());
        }
      }
      return found.join("\n");
    });
    expect(texts).not.toContain("Ada Admin");
    expect(texts).not.toContain(admin.email);
  });
});

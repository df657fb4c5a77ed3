import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { jsEnabled, ready, signIn, watchConsole } from "./helpers";

// What the browser really fetches on a first visit, every lazily loaded page by direct
// URL and after a hard refresh, a screenshot of every page at tablet size, and the time to
// interactive of the customer list on a slow connection (printed, not asserted).

const BUDGET = 350_000; // 350 KB

/** Bytes of script, WASM and CSS the page fetched (as transferred: brotli). */
async function codeBytes(page: Page): Promise<{ total: number; files: [string, number][] }> {
  return page.evaluate(() => {
    const files: [string, number][] = [];
    for (const e of performance.getEntriesByType("resource") as PerformanceResourceTiming[]) {
      const p = new URL(e.name).pathname;
      if (p.startsWith("/pkg/") || p.endsWith(".js")) files.push([p, e.encodedBodySize]);
    }
    return { total: files.reduce((s, [, n]) => s + n, 0), files };
  });
}

test("the first load of sign-in and the customer list stays within 350 KB", async ({ browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "measures the WASM");
  // Without a service worker, so nothing is served from its cache or fetched for it.
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  await page.goto("/login");
  await ready(page, testInfo);
  const login = await codeBytes(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await context.clearCookies();
  await context.close();

  const fresh = await browser.newContext({ serviceWorkers: "block" });
  const list = await fresh.newPage();
  await signIn(list, testInfo);
  await expect(list.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  // a cold cache for the list page itself
  const cdp = await fresh.newCDPSession(list);
  await cdp.send("Network.clearBrowserCache");
  await list.goto("/customers");
  await ready(list, testInfo);
  const customers = await codeBytes(list);
  await fresh.close();

  for (const [where, m] of [["/login", login], ["/customers", customers]] as const) {
    console.log(`first load of ${where}: ${m.total} bytes (${(m.total / 1024).toFixed(1)} KiB)`);
    for (const [file, n] of m.files) console.log(`  ${String(n).padStart(8)}  ${file}`);
    expect(m.total, `first load of ${where}`).toBeLessThanOrEqual(BUDGET);
    expect(m.files.some(([f]) => f.endsWith(".wasm")), `${where} loads the WASM`).toBeTruthy();
  }
});

// Each lazily loaded page, and the pages around them.
const PAGES = [
  ["home", "/"],
  ["customers", "/customers"],
  ["new-customer", "/customers/new"],
  ["users", "/settings/users"],
  ["slas", "/settings/slas"],
  ["alert-profiles", "/settings/alert-profiles"],
  ["services", "/settings/services"],
  ["import", "/settings/import"],
  ["invoicing", "/settings/invoicing"],
  ["invoice-runs", "/invoices/runs"],
  ["invoices", "/invoices"],
  ["tickets", "/tickets"],
  ["ticket-review", "/tickets/review"],
  ["time", "/time"],
  ["time-approval", "/time?view=approval"],
] as const;

test("every page loads by direct URL and after a hard refresh; screenshots at 768×1024 and 1024×768", async ({ page }, testInfo) => {
  test.setTimeout(240_000); // 17 pages × 2 sizes × (load + hard refresh), each hydrated
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  // a customer, for the customer page
  const origin = new URL(page.url()).origin;
  const created = await page.request.post("/api/customers/create", {
    data: { draft: { customer: { name: `Tablet ${testInfo.project.name} ${Date.now()}` }, contact: { first_name: "Tom", last_name: "Tablet", email: `tom-${Date.now()}@tablet.example` } }, idempotency_key: crypto.randomUUID() },
    headers: { origin },
  });
  expect(created.status()).toBe(200);
  const id = await created.json();
  const pages: (readonly [string, string])[] = [...PAGES, ["customer", `/customers/${id}`], ["customer-contacts", `/customers/${id}/contacts`]];
  for (const [size, viewport] of [["768x1024", { width: 768, height: 1024 }], ["1024x768", { width: 1024, height: 768 }]] as const) {
    await page.setViewportSize(viewport);
    for (const [name, url] of pages) {
      await page.goto(url);
      await ready(page, testInfo);
      await expect(page.locator("main h1").first()).toBeVisible();
      // a hard refresh (bypassing the HTTP cache) hydrates again
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Page.reload", { ignoreCache: true });
      await page.waitForLoadState("load");
      await ready(page, testInfo);
      await expect(page.locator("main h1").first()).toBeVisible();
      await cdp.detach();
      // no horizontal scrolling at tablet width
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} scrolls sideways at ${size}`).toBeLessThanOrEqual(0);
      const shot = testInfo.outputPath(`tablet-${size}-${name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      await testInfo.attach(`tablet-${size}-${name}`, { path: shot, contentType: "image/png" });
    }
  }
  expect(errors).toEqual([]);
});

test("a lazily loaded page reached by a link from the first load hydrates and works", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "client-side navigation");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/customers");
  await ready(page, testInfo);
  await page.getByRole("link", { name: "New customer" }).first().click();
  await expect(page).toHaveURL(/\/customers\/new$/);
  await expect(page.getByRole("heading", { name: "Customer", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText("Please fill in this field.")).toBeVisible();
  expect(errors).toEqual([]);
});

test("time to interactive of the customer list on a slow connection (printed)", async ({ browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "measures hydration");
  test.setTimeout(120_000);
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.clearBrowserCache");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  // 1.6 Mbps down, 750 kbps up, 150 ms round trip; the CPU four times slower
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const start = Date.now();
  await page.goto("/customers", { waitUntil: "commit" });
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 90_000 });
  const tti = Date.now() - start;
  const visible = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return Math.round(nav.domContentLoadedEventEnd);
  });
  console.log(`customer list on 1.6 Mbps / 150 ms RTT / 4x CPU: HTML ready after ${visible} ms, interactive after ${tti} ms`);
  testInfo.annotations.push({ type: "customer list time to interactive (ms, throttled)", description: String(tti) });
  await context.close();
});

import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

/** Calls a server function with a JSON body as the signed-in page's user. */
async function api(page: Page, fn: string, data: unknown) {
  const res = await page.request.post(`/api/${fn}`, { data, headers: { origin: new URL(page.url()).origin } });
  const body = await res.json().catch(() => null);
  expect(res.status(), `${fn}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

/** The same with a form body (functions with plain arguments). */
async function form(request: APIRequestContext, origin: string, fn: string, data: Record<string, string>) {
  const res = await request.post(`/api/${fn}`, { form: data, headers: { origin } });
  const body = await res.json().catch(() => null);
  expect(res.status(), `${fn}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

function uniq(testInfo: TestInfo) {
  return `${testInfo.project.name}-${Date.now().toString(36)}`;
}

/** A customer with one main contact, created through the API as the wizard would. */
async function newCustomer(page: Page, name: string, contact = { first_name: "Jürgen", last_name: "Groß" }) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const key = crypto.randomUUID();
  return (await api(page, "customers/create", {
    draft: {
      customer: { name, address: { country: "DE" } },
      contact: { ...contact, email: `${contact.first_name.toLowerCase().replace("ü", "ue")}@${slug}.example` },
    },
    idempotency_key: key,
  })) as string;
}

async function addContact(page: Page, customer: string, first: string, last: string) {
  const draft = { first_name: first, last_name: last, email: `${first.toLowerCase()}@${customer.slice(0, 8)}.example`, notification_preference: "all", portal_level: "standard" };
  return api(page, "contacts/save", { customer, contact: null, version: 0, base: draft, draft, idempotency_key: crypto.randomUUID() });
}

const completeBilling = {
  attention: "Buchhaltung", email: "rechnung@example.de",
  address: { street: "Hauptstraße 1", postal_code: "10115", city: "Berlin", country: "DE" },
  tax_region: "domestic", tax_treatment: "standard", currency: "EUR", payment_terms_days: "14",
  invoice_template: "standard", invoice_language: "de", delivery: "email",
};

test("switch the main contact and enable portal access", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "editing contacts needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const id = await newCustomer(page, `Contacts GmbH ${uniq(testInfo)}`);
  await addContact(page, id, "Lucía", "Núñez");

  await page.goto(`/customers/${id}`);
  await ready(page, testInfo);
  // the tabs are plain links (a full page load): wait for it to hydrate before clicking
  await page.getByRole("link", { name: "Contacts", exact: true }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await ready(page, testInfo);
  const row = (name: string) => page.locator(`tr[data-contact="${name}"]`);
  await expect(row("Jürgen Groß").locator(".main-contact")).toBeVisible();
  await page.getByRole("button", { name: "Make main contact: Lucía Núñez" }).click();
  await expect(row("Lucía Núñez").locator(".main-contact")).toBeVisible();
  await expect(row("Jürgen Groß").getByRole("button", { name: /Make main contact/ })).toBeVisible();
  await expect(page.locator(".main-contact")).toHaveCount(1);

  // Portal access for Jürgen at company level
  await row("Jürgen Groß").getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("form", { name: "Edit contact" });
  await dialog.getByLabel("Allow access to the customer portal").check();
  await dialog.getByLabel("Security level").selectOption("company");
  await checkA11y(page, "contact form");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row("Jürgen Groß")).toContainText("Company (all the customer's tickets)");
  // the history on the overview names both changes
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.locator("ol.audit")).toContainText("made main contact");
  await expect(page.locator("ol.audit")).toContainText("Security level");
  await checkA11y(page, "overview");
  expect(errors).toEqual([]);
});

test("a restricted technician finds only their customers (list, search, direct link)", async ({ page, browser }, testInfo) => {
  const tag = uniq(testInfo);
  const email = `restricted-${tag}@example.com`;
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const origin = new URL(page.url()).origin;
  const techId = await form(page.request, origin, "users/create", { name: "Rita Restricted", email, role: "technician", password: "a long enough password" });
  await form(page.request, origin, "users/restricted", { id: techId, restricted: "true" });
  const mine = await newCustomer(page, `Mine ${tag}`);
  const theirs = await newCustomer(page, `Theirs ${tag}`);
  const detail = await form(page.request, origin, "customers/get", { id: mine });
  await api(page, "customers/team", { customer: mine, version: detail.version, base: detail.team, draft: { account_manager: null, members: [techId] } });

  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const tech = await context.newPage();
  await signIn(tech, testInfo, email, "a long enough password");
  await expect(tech.getByRole("heading", { name: "Welcome, Rita Restricted" })).toBeVisible();
  await tech.goto("/customers");
  await ready(tech, testInfo);
  await expect(tech.getByRole("link", { name: `Mine ${tag}` })).toBeVisible();
  await expect(tech.getByRole("link", { name: `Theirs ${tag}` })).toHaveCount(0);
  await tech.getByLabel("Search").fill(`Theirs ${tag}`);
  await tech.getByRole("button", { name: "Apply" }).click();
  await expect(tech).toHaveURL(/q=Theirs/);
  await expect(tech.getByText("No customers match the search and filters.")).toBeVisible();
  await tech.goto(`/customers/${theirs}`);
  await expect(tech.getByRole("heading", { name: "This customer is not visible to you" })).toBeVisible();
  await expect(tech.getByText("You are not on this customer's team.")).toBeVisible();
  await tech.goto(`/customers/${mine}`);
  await expect(tech.getByRole("heading", { name: `Mine ${tag}` })).toBeVisible();
  await context.close();
});

test("saving over someone else's newer change shows both values", async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the editors need JavaScript");
  const errors = watchConsole(page);
  const tag = uniq(testInfo);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const id = await newCustomer(page, `Conflict AG ${tag}`);
  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second, testInfo);
  await expect(second.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  for (const p of [page, second]) {
    await p.goto(`/customers/${id}/settings`);
    await ready(p, testInfo);
  }
  const nameField = (p: Page) => p.locator("#profile-form").getByLabel("Customer name");
  await nameField(second).fill(`Conflict Holding ${tag}`);
  await second.locator("#profile-form").getByRole("button", { name: "Save" }).click();
  await expect(second.locator("#save-status")).toHaveText("Saved.");

  await nameField(page).fill(`Conflict SE ${tag}`);
  await page.locator("#profile-form").getByRole("button", { name: "Save" }).click();
  const conflict = page.locator("#profile-form .conflict");
  await expect(conflict).toContainText("saved this on");
  await expect(conflict.locator("td.yours")).toHaveText(`Conflict SE ${tag}`);
  await expect(conflict.locator("td.theirs")).toHaveText(`Conflict Holding ${tag}`);
  await checkA11y(page, "conflict");
  await conflict.getByRole("button", { name: "Save mine anyway" }).click();
  await expect(page.getByRole("heading", { name: `Conflict SE ${tag}` })).toBeVisible();
  await other.close();
  // the browser logs the refused save's 409 itself; nothing else may appear
  expect(errors.filter((e) => !e.includes("409 (Conflict)"))).toEqual([]);
});

test("the missing-billing banner leads to the form and goes once billing is complete", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the billing form needs JavaScript");
  const errors = watchConsole(page);
  const tag = uniq(testInfo);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const name = `Billing SL ${tag}`;
  const id = await newCustomer(page, name);
  // Every other customer of this shared test server gets billing info, so ours is the last.
  for (;;) {
    const list = await api(page, "customers/list", { query: { missing_billing: true } });
    const others = list.rows.filter((r: any) => r.id !== id);
    if (others.length === 0) break;
    for (const r of others) {
      const d = await form(page.request, new URL(page.url()).origin, "customers/get", { id: r.id });
      await api(page, "customers/billing", { customer: r.id, version: d.version, base: d.billing, draft: completeBilling });
    }
  }
  await page.goto("/customers");
  await ready(page, testInfo);
  const banner = page.locator("#billing-banner");
  await expect(banner).toContainText("1 customers have no complete billing information.");
  await banner.getByRole("link", { name: "Add it" }).click();
  await expect(page).toHaveURL(/missing_billing=true/);
  const row = page.locator(`tr[data-customer="${name}"]`);
  await expect(row.locator(".badge.warn")).toBeVisible();
  await row.locator("summary").click();
  await row.getByRole("link", { name: "Add billing information" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${id}/billing$`));
  await ready(page, testInfo);
  const f = page.locator("#billing-form");
  await expect(page.locator("#billing-status")).toContainText("Before this customer can be billed");
  await f.getByLabel(/^Attention/).fill("Contabilidad");
  await f.getByLabel("Billing e-mail").fill("facturas@billing.example");
  await f.getByRole("button", { name: "Copy the company address" }).click();
  await f.getByLabel("Street").fill("Calle Mayor 1");
  await f.getByLabel("Postal code").fill("28013");
  await f.getByLabel("City").fill("Madrid");
  await f.getByLabel("Country").fill("ES");
  await f.getByLabel("Tax region").selectOption("eu");
  // an EU business needs its VAT id: a wrong one is refused as typed
  await f.getByLabel("Business / tax id").fill("ESB5837843");
  await f.getByLabel("Business / tax id").blur();
  await expect(f.locator("#f-tax_id-error")).not.toBeEmpty();
  await f.getByLabel("Business / tax id").fill("ESB58378431");
  await f.getByLabel(/^Currency/).fill("EUR");
  await f.getByLabel(/^Payment terms/).fill("30");
  await checkA11y(page, "billing form");
  await f.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#billing-status")).toContainText("Billing info is complete");
  await page.goto("/customers");
  await ready(page, testInfo);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.locator("#billing-banner")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("every tab of the customer page renders on the server and hydrates cleanly", async ({ page }, testInfo) => {
  const tag = uniq(testInfo);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const parent = await newCustomer(page, `Tabs Holding ${tag}`);
  const child = await newCustomer(page, `Tabs Filiale ${tag}`);
  const d = await form(page.request, new URL(page.url()).origin, "customers/get", { id: child });
  await api(page, "customers/structure", { customer: child, version: d.version, base: d.structure, draft: { parent, bill_to_parent: true } });
  for (const tab of ["", "/contacts", "/contracts", "/billing", "/team", "/portal", "/settings"]) {
    const errors = watchConsole(page);
    await page.goto(`/customers/${parent}${tab}`);
    await ready(page, testInfo);
    await expect(page.getByRole("heading", { name: `Tabs Holding ${tag}` })).toBeVisible();
    if (tab === "") {
      // the group report totals parent and child
      await expect(page.getByRole("heading", { name: "Group report" })).toBeVisible();
      await expect(page.getByRole("link", { name: `Tabs Filiale ${tag}` }).first()).toBeVisible();
    }
    // a link to the next tab works in the hydrated page
    expect(errors, `console errors on tab ${tab || "overview"}`).toEqual([]);
    page.removeAllListeners("console");
    page.removeAllListeners("pageerror");
  }
});

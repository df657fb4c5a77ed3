import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

/** Calls a server function as the signed-in page; expects 200 and returns the body. */
export async function api(page: Page, fn: string, data: unknown) {
  const res = await page.request.post(`/api/${fn}`, { data, headers: { origin: new URL(page.url()).origin } });
  const body = await res.json().catch(() => null);
  expect(res.status(), `${fn}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

export function uniq(testInfo: TestInfo) {
  return `${testInfo.project.name}-${Date.now().toString(36)}`;
}

/** Chooses `name` in the customer picker labelled "Customer". */
export async function pickCustomer(page: Page, name: string) {
  const search = page.getByRole("combobox", { name: "Customer" });
  await search.fill(name);
  await page.getByRole("option").getByRole("button", { name }).click();
  await expect(page.locator("[data-picked]")).toHaveText(name);
}

/** A customer without billing info, as the wizard leaves one that skipped it. */
export async function newCustomer(page: Page, name: string) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return (await api(page, "customers/create", {
    draft: {
      customer: { name, address: { country: "DE" } },
      contact: { first_name: "Jürgen", last_name: "Groß", email: `juergen@${slug}.example` },
    },
    idempotency_key: crypto.randomUUID(),
  })) as string;
}

/** Fills the billing form in the gate's dialog and saves it. */
export async function fillBilling(dialog: Locator, city = "Berlin") {
  await dialog.getByLabel("Attention (invoice recipient)").fill("Buchhaltung");
  await dialog.getByLabel("Billing e-mail").fill("rechnung@example.de");
  await dialog.getByLabel("Street and number").fill("Hauptstraße 1");
  await dialog.getByLabel("Postal code").fill("10115");
  await dialog.getByLabel("City").fill(city);
  await dialog.getByLabel("Country", { exact: true }).fill("DE");
  await dialog.getByLabel("Tax region").selectOption("domestic");
  await dialog.getByLabel("Currency").fill("EUR");
  await dialog.getByLabel("Payment terms (days)").fill("14");
  await dialog.getByRole("button", { name: "Save" }).click();
}

/** Complete billing info for `customer`, saved through the API (a customer ready to bill). */
export async function addBilling(page: Page, customer: string) {
  const origin = new URL(page.url()).origin;
  const res = await page.request.post("/api/customers/get", { form: { id: customer }, headers: { origin } });
  expect(res.status()).toBe(200);
  const { version } = await res.json();
  await api(page, "customers/billing", {
    customer, version, base: {},
    draft: {
      attention: "Buchhaltung", email: "rechnung@example.de",
      address: { street: "Hauptstraße 1", postal_code: "10115", city: "Berlin", country: "DE" },
      tax_region: "domestic", tax_treatment: "standard", currency: "EUR", payment_terms_days: "14",
      invoice_template: "standard", invoice_language: "de", delivery: "email",
    },
  });
}

/** The banner's count as the server has it. */
export async function uncoveredCount(page: Page): Promise<number> {
  const res = await page.request.post("/api/contracts/uncovered", { headers: { origin: new URL(page.url()).origin } });
  expect(res.status()).toBe(200);
  return (await res.json()).count;
}

import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

/** A screenshot of each step, kept as a test artifact (end2end/test-results/…). */
async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

async function next(page: Page) {
  await page.getByRole("button", { name: "Next" }).click();
}

for (const size of [
  { name: "desktop", viewport: { width: 1280, height: 900 }, domain: "müller-it.de" },
  { name: "tablet", viewport: { width: 768, height: 1024 }, domain: "müller-it-tablet.de" },
]) {
  test.describe(`wizard on ${size.name}`, () => {
    test.use({ viewport: size.viewport });

    test("an admin onboards a customer; errors show instantly; reload keeps the draft; submit once", async ({ page }, testInfo) => {
      test.skip(!jsEnabled(testInfo), "the wizard needs JavaScript (the no-JS run checks its notice)");
      const errors = watchConsole(page);
      const name = `Müller IT-Service GmbH & Co. KG (${size.name})`;
      await signIn(page, testInfo);
      await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
      await page.goto("/customers/new");
      await ready(page, testInfo);
      await expect(page.getByRole("heading", { name: "Customer", exact: true })).toBeVisible();

      // Step 1: customer — "Next" says what is missing
      await next(page);
      await expect(page.getByText("Please fill in this field.")).toBeVisible();
      await page.getByLabel("Customer name").fill(name);
      await page.getByRole("button", { name: "Show more" }).click();
      await page.getByLabel("Domain", { exact: true }).fill(size.domain);
      const tax = page.getByLabel("Business / tax id");
      await tax.fill("DE136695978");
      await tax.blur();
      await expect(page.getByText("This tax ID is not valid (its check digit does not match).", { exact: false })).toBeVisible();
      await tax.fill("ESB58378431");
      await expect(page.getByText("This tax ID is not valid", { exact: false })).toHaveCount(0);
      await page.getByLabel("Street and number").fill("Königstraße 12");
      await page.getByLabel("City").fill("Dresden");
      await page.getByLabel("Country").fill("DE");
      const postal = page.getByLabel("Postal code");
      await postal.fill("00123");
      await postal.blur();
      await expect(page.getByText("This is not a valid postcode for DE", { exact: false })).toBeVisible();
      await postal.fill("01067");
      await expect(page.getByText("This is not a valid postcode", { exact: false })).toHaveCount(0);
      // Checks that need the reference tables (fetched by the page): libphonenumber's plan
      // for Germany has no numbers starting 10; Liechtenstein's codes are 9485–9498.
      const phone = page.getByLabel("Phone", { exact: true });
      await phone.fill("+49 10 1234567");
      await phone.blur();
      await expect(page.getByText("This is not a valid phone number in DE.", { exact: false })).toBeVisible();
      await phone.fill("030 1234567");
      await expect(page.getByText("This is not a valid phone number", { exact: false })).toHaveCount(0);
      const country = page.getByLabel("Country");
      await country.fill("LI");
      await postal.fill("9999");
      await postal.blur();
      await expect(page.getByText("This is not a valid postcode for LI, e.g. 9496.", { exact: false })).toBeVisible();
      await country.fill("DE");
      await postal.fill("01067");
      await expect(page.getByText("This is not a valid postcode", { exact: false })).toHaveCount(0);
      await checkA11y(page, "step 1");
      await shot(page, testInfo, `1-customer-${size.name}`);
      await next(page);

      // Step 2: contract with SEPA direct debit
      await expect(page.getByRole("heading", { name: "Contract", exact: true })).toBeVisible();
      await page.getByLabel("Contract name").fill("Managed Services");
      await page.getByRole("textbox", { name: "Quantity", exact: true }).fill("10");
      await page.getByLabel("Price per unit").fill("49.90");
      await page.getByRole("button", { name: "Show more" }).click();
      await page.getByLabel("Payment method").selectOption("sepa_direct_debit");
      const iban = page.getByLabel("IBAN");
      await iban.fill("DE89 3704 0044 0532 0130 01");
      await iban.blur();
      await expect(page.getByText("This IBAN is not valid (its check digits do not match).", { exact: false })).toBeVisible();
      await iban.fill("DE89 3704 0044 0532 0130 00");
      await expect(page.getByText("This IBAN is not valid", { exact: false })).toHaveCount(0);
      await page.getByLabel("SEPA mandate reference").fill("M-2026-001");
      await checkA11y(page, "step 2");
      await shot(page, testInfo, `2-contract-${size.name}`);
      await next(page);

      // Step 3: a custom SLA; then reload in the middle of the step
      await expect(page.getByRole("heading", { name: "SLA and alerts" })).toBeVisible();
      await page.locator("fieldset", { hasText: "SLA" }).first().getByLabel("Custom").check();
      await page.getByLabel("SLA name").fill("Gold 24/7");
      await page.getByLabel("Around the clock (24/7)").check();
      await page.locator("#f-sla-targets-critical-first_response_minutes").fill("15");
      await page.locator("#f-sla-targets-critical-resolution_minutes").fill("240");
      await page.reload();
      await ready(page, testInfo);
      await expect(page.getByRole("status").filter({ hasText: "Your draft was restored." })).toBeVisible();
      await expect(page.getByRole("heading", { name: "SLA and alerts" })).toBeVisible();
      await expect(page.getByLabel("SLA name")).toHaveValue("Gold 24/7");
      await expect(page.locator("#f-sla-targets-critical-resolution_minutes")).toHaveValue("240");
      await checkA11y(page, "step 3");
      await shot(page, testInfo, `3-sla-${size.name}`);
      await next(page);

      // Step 4: the main contact; Enter moves on
      await expect(page.getByRole("heading", { name: "Contact", exact: true })).toBeVisible();
      await page.getByLabel("First name").fill("Jürgen");
      await page.getByLabel("First name").press("Enter");
      await expect(page.getByLabel("Last name")).toBeFocused();
      await page.getByLabel("Last name").fill("Groß");
      await page.getByLabel("E-mail").fill(`juergen@${size.domain}`);
      await checkA11y(page, "step 4");
      await shot(page, testInfo, `4-contact-${size.name}`);
      await page.getByLabel("E-mail").press("Enter");

      // Summary, then a double click on "Create customer"
      await expect(page.getByRole("heading", { name: "Summary" })).toBeVisible();
      await expect(page.locator("dl.summary")).toContainText(name);
      await expect(page.locator("dl.summary")).toContainText("Gold 24/7");
      await shot(page, testInfo, `5-summary-${size.name}`);
      const stored = await page.evaluate(() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith("onboard.new-customer-draft."))!;
        return JSON.parse(localStorage.getItem(key)!);
      });
      await page.getByRole("button", { name: "Create customer" }).dblclick();
      await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}$/);
      const customerId = page.url().split("/").pop();
      await expect(page.getByRole("heading", { name })).toBeVisible();
      await expect(page.getByText(size.domain)).toBeVisible();
      await expect(page.getByText("ESB58378431")).toBeVisible();
      await expect(page.getByText("Jürgen Groß")).toBeVisible();
      await checkA11y(page, "customer page");
      await ready(page, testInfo);
      await page.getByRole("link", { name: "Contracts" }).click();
      await expect(page).toHaveURL(/\/contracts$/);
      await expect(page.getByText("IBAN DE89370400440532013000")).toBeVisible();
      await expect(page.getByText("Quantity: 10 · Rate: 49.90 EUR")).toBeVisible();

      // the same submission replayed: the first customer comes back, no second one
      const replay = await page.request.post("/api/customers/create", {
        data: { draft: stored.draft, idempotency_key: stored.key },
        headers: { origin: new URL(page.url()).origin },
      });
      expect(replay.status()).toBe(200);
      expect(await replay.json()).toBe(customerId);
      await page.goto("/customers");
      await expect(page.getByRole("link", { name })).toHaveCount(1);
      expect(errors).toEqual([]);
    });
  });
}

test("a technician gets no wizard and a 403 from the endpoint", async ({ page, browser }, testInfo) => {
  const email = `wizard-tech-${testInfo.project.name}@example.com`;
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const origin = new URL(page.url()).origin;
  const created = await page.request.post("/api/users/create", {
    form: { name: "Tina Technik", email, role: "technician", password: "a long enough password" },
    headers: { origin },
  });
  expect(created.status()).toBe(200);

  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const tech = await context.newPage();
  await signIn(tech, testInfo, email, "a long enough password");
  await expect(tech.getByRole("heading", { name: "Welcome, Tina Technik" })).toBeVisible();
  await tech.goto("/customers");
  await expect(tech.getByRole("heading", { name: "Customers" })).toBeVisible();
  await expect(tech.getByRole("link", { name: "New customer" })).toHaveCount(0);
  await tech.goto("/customers/new");
  await expect(tech.getByRole("alert").filter({ hasText: "You are not allowed to do this." })).toBeVisible();
  const refused = await tech.request.post("/api/customers/create", {
    data: { draft: { customer: { name: "Sneaky" } }, idempotency_key: "00000000-0000-4000-8000-000000000001" },
    headers: { origin },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toEqual({ error: "forbidden" });
  await context.close();
});

test("without JavaScript the wizard says it needs it", async ({ page }, testInfo) => {
  test.skip(jsEnabled(testInfo), "only the no-JS run");
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/customers/new");
  // the message sits in <noscript>, which only a browser without JavaScript shows
  expect(await page.content()).toContain("The wizard needs JavaScript.");
  await expect(page.getByRole("button", { name: "Next" })).toBeVisible();
});

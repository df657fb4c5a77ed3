import { expect, test } from "@playwright/test";
import { addBilling, api, fillBilling, newCustomer, uncoveredCount, uniq } from "./billing-helpers";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("the banner counts customers that use services without a contract; the wizard makes contracts for three at once, asking one for its billing info", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the wizard keeps its draft in the browser and needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  const code = `RMM-${Date.now().toString(36).toUpperCase()}`;
  await api(page, "catalogue/save", {
    id: null, version: null,
    service: { code, name: "Server monitoring", kind: "per_device", device_category: "server",
               unit_price: "25.00", currency: "EUR", tax_category: "standard" },
  });
  const before = await uncoveredCount(page);
  const names = ["A", "B", "C"].map((x) => `Bulk ${tag} ${x} GmbH`);
  const ids: string[] = [];
  for (const [i, name] of names.entries()) {
    const id = await newCustomer(page, name);
    ids.push(id);
    await api(page, "usage/add", { customer: id, reading: { service_code: code, quantity: String(5 + i), reading_date: "2026-11-30" } });
  }
  // A and B are ready to bill; C lacks billing info.
  await addBilling(page, ids[0]);
  await addBilling(page, ids[1]);

  await page.goto("/sales");
  await ready(page, testInfo);
  const banner = page.locator("#uncovered-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute("data-count", String(before + 3));
  await expect(page.getByRole("link", { name: "Create contracts for existing customers" })).toBeVisible();
  await checkA11y(page, "sales with banner");
  await banner.getByRole("link", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/contracts\/bulk\?uses_services=true/);
  await expect(page.getByRole("heading", { name: "Contracts for existing customers" })).toBeVisible();
  await ready(page, testInfo);
  await page.getByRole("button", { name: "Start over" }).click();

  // 1. customers: the banner's customers preselected by the filters; ours by search
  await expect(page.locator("#bulk-without")).toBeChecked();
  await expect(page.locator("#bulk-uses")).toBeChecked();
  await page.locator("#bulk-search").fill(`Bulk ${tag}`);
  await expect(page.locator("#bulk-customers tbody tr")).toHaveCount(3);
  await expect(page.locator(`#bulk-customers tr[data-customer="${names[2]}"]`)).toContainText("Billing info missing");
  await page.getByRole("button", { name: "Choose all on this page" }).click();
  await expect(page.getByRole("heading", { name: "Chosen customers: 3" })).toBeVisible();
  await checkA11y(page, "bulk wizard, customers");
  await page.locator("#bulk-next").click();

  // 2. contract info, shared by all three
  await expect(page.getByRole("heading", { name: "Contract info", level: 2 })).toBeVisible();
  await page.locator("#bulk-next").click();
  await expect(page.locator("#f-name-error")).not.toBeEmpty();
  await page.getByLabel("Contract name").fill("Managed services");
  await page.locator("#bulk-next").click();

  // 3. billing info, only for C
  await expect(page.locator("#bulk-billing-for")).toContainText(names[2]);
  await fillBilling(page.getByRole("region", { name: "Billing info" }));
  await expect(page.locator("#bulk-billing-ok")).toBeVisible();
  await page.locator("#bulk-next").click();

  // 4. parts, prefilled per customer from its services in use, at the catalogue price
  await expect(page.getByRole("heading", { name: "Parts", level: 2 })).toBeVisible();
  const tabs = page.locator("#bulk-customer-tabs button");
  await expect(tabs).toHaveCount(3);
  await expect(page.locator("#bulk-prefill")).toContainText(code);
  await expect(page.locator("#bulk-prefill")).toContainText("check the price");
  await expect(page.getByLabel("Price per device")).toHaveValue("25.00");
  await tabs.nth(2).click();
  await expect(page.locator("#bulk-parts-for")).toHaveText(names[2]);
  await expect(page.locator("#bulk-prefill")).toContainText(/: 7(\.00)? on /);
  await page.getByLabel("Price per device").fill("22,50");
  await checkA11y(page, "bulk wizard, parts");

  // the draft survives a reload, edits included
  await page.reload();
  await ready(page, testInfo);
  await expect(page.locator("#draft-restored")).toBeVisible();
  await expect(page.locator("#bulk-parts-for")).toHaveText(names[2]);
  await expect(page.getByLabel("Price per device")).toHaveValue("22,50");
  await page.locator("#bulk-next").click();

  // 5. summary, then the submit
  await expect(page.locator("#bulk-summary tbody tr")).toHaveCount(3);
  await page.getByRole("button", { name: "Create contracts (3)" }).click();
  await expect(page.locator("#bulk-done")).toHaveText("Contracts created: 3");
  await expect(page.locator("#bulk-results").getByRole("link", { name: "Open the contract" })).toHaveCount(3);
  await checkA11y(page, "bulk wizard, done");

  for (const id of ids) {
    const list = await api(page, "contracts/list", { query: { customer: id } });
    expect(list.rows.length, "one contract per customer").toBe(1);
  }
  expect(await uncoveredCount(page)).toBe(before);
  await page.locator("#bulk-results").getByRole("link", { name: "Open the contract" }).last().click();
  await expect(page.getByRole("heading", { name: /Managed services/, level: 1 })).toBeVisible();
  expect(errors).toEqual([]);
});

import { expect, test, type Page } from "@playwright/test";
import { api, fillBilling, newCustomer, uniq } from "./billing-helpers";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("a contract for an existing customer: created through the billing-info gate, then a part changed from a date keeps its history", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the editor and the billing-info dialog need JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const name = `Vertrag ${uniq(testInfo)} GmbH`;
  const id = await newCustomer(page, name);

  await page.goto(`/customers/${id}/contracts`);
  await ready(page, testInfo);
  await page.getByRole("link", { name: "New contract" }).click();
  await expect(page.getByRole("heading", { name: "New contract" })).toBeVisible();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("[data-picked]")).toHaveText(name);

  // the shared editor checks as the user types, with the server's rules
  await page.getByRole("button", { name: "Create contract" }).click();
  await expect(page.locator("#f-name-error")).not.toBeEmpty();
  await page.getByLabel("Contract name").fill("Managed workplace");
  await page.getByLabel("Price per unit").fill("49,00");
  await page.getByRole("textbox", { name: "Quantity", exact: true }).fill("3");
  await page.getByLabel("Minimum per time entry (minutes)").fill("15");
  await page.getByLabel("Round up to steps of (minutes)").fill("15");

  // the draft survives a reload
  await page.reload();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("#draft-restored")).toBeVisible();
  await expect(page.getByLabel("Contract name")).toHaveValue("Managed workplace");

  await page.getByRole("button", { name: "Create contract" }).click();
  const dialog = page.getByRole("dialog", { name: `Billing info for ${name}` });
  await expect(dialog).toBeVisible();
  await fillBilling(dialog);

  // created by itself once the info was saved; the page shows it
  await expect(page).toHaveURL(/\/contracts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: /Managed workplace/, level: 1 })).toBeVisible();
  await expect(page.locator("#contract-status")).toHaveText("Active");
  await expect(page.locator("#contract-rounding")).toContainText("15");
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await checkA11y(page, "contract page");

  // a change from a date is a new version; the old one stays in the history
  await page.locator("#change-part-1").click();
  await page.getByLabel("Valid from").fill("2027-03-01");
  await page.getByRole("textbox", { name: "Quantity", exact: true }).fill("5");
  await page.getByRole("button", { name: "Save change" }).click();
  const history = page.locator("[data-part='1'] table.versions tbody tr");
  await expect(history).toHaveCount(2);
  await expect(history.first()).toContainText("5 ×");
  await expect(history.last()).toContainText("3 ×");

  // the list finds it by type and customer
  await page.goto(`/contracts?customer=${id}&type=retainer`);
  await ready(page, testInfo);
  await expect(page.getByRole("row", { name: /Managed workplace/ })).toContainText(name);
  await page.goto(`/contracts?customer=${id}&type=hourly`);
  await expect(page.getByText("No contract matches these filters.")).toBeVisible();
  const list = await api(page, "contracts/list", { query: { customer: id } });
  expect(list.rows).toHaveLength(1);
  // the browser logs the gate's refusal (409) itself; nothing else may appear
  expect(errors.filter((e) => !e.includes("409 (Conflict)"))).toEqual([]);
});

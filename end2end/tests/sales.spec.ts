import { expect, test } from "@playwright/test";
import { api, fillBilling, newCustomer, pickCustomer, uniq } from "./billing-helpers";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("a sales item for a customer without billing info asks for it, then is created without retyping; moving it asks again", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the billing-info dialog needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  const first = `Gate ${tag} GmbH`;
  const second = `Move ${tag} SL`;
  await newCustomer(page, first);
  await newCustomer(page, second);

  await page.getByRole("link", { name: "Sales & billing" }).click();
  await expect(page.getByRole("heading", { name: "Sales & billing", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New sales item" }).click();
  await expect(page.getByRole("heading", { name: "New sales item" })).toBeVisible();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");

  // errors as typed, from the same rules the server runs
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Choose the customer this item is sold to.")).toBeVisible();
  await pickCustomer(page, first);
  await page.getByLabel("Description").fill("Switch 24 ports");
  await page.getByLabel("Quantity").fill("2");
  await page.getByLabel("Unit price").fill("199,90");
  await expect(page.locator("#sales-total")).toContainText("399.80");

  // the draft survives a reload
  await page.reload();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("#draft-restored")).toBeVisible();
  await expect(page.getByLabel("Description")).toHaveValue("Switch 24 ports");
  await expect(page.locator("[data-picked]")).toHaveText(first);

  await page.getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("dialog", { name: `Billing info for ${first}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator("#billing-gate-reason")).toContainText("Tax region");
  await checkA11y(page, "billing-info dialog");
  await fillBilling(dialog, "Berlin");

  // the item was created by itself once the info was saved
  await expect(page).toHaveURL(/\/sales\?saved=1$/);
  const row = page.getByRole("row", { name: /Switch 24 ports/ });
  await expect(row).toContainText(first);
  await expect(row).toContainText("399.80");
  const created = await api(page, "sales/list", { query: {} });
  expect(created.rows.filter((r: any) => r.customer_name === first)).toHaveLength(1);

  // moving it to a customer without billing info asks for that customer's
  await row.getByRole("link", { name: "Edit Switch 24 ports" }).click();
  await expect(page.getByRole("heading", { name: "Edit sales item" })).toBeVisible();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Change" }).click();
  await pickCustomer(page, second);
  await page.getByRole("button", { name: "Save" }).click();
  const second_dialog = page.getByRole("dialog", { name: `Billing info for ${second}` });
  await expect(second_dialog).toBeVisible();
  await fillBilling(second_dialog, "Hamburg");
  await expect(page).toHaveURL(/\/sales\?saved=1$/);
  await expect(page.getByRole("row", { name: /Switch 24 ports/ }).filter({ hasText: second })).toHaveCount(1);
  await expect(page.getByRole("row", { name: /Switch 24 ports/ }).filter({ hasText: first })).toHaveCount(0);
  // the browser logs the gate's refusal (409) itself; nothing else may appear
  expect(errors.filter((e) => !e.includes("409 (Conflict)"))).toEqual([]);
});

test("closing the billing-info dialog keeps the form as typed and says why nothing was saved", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the billing-info dialog needs JavaScript");
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const name = `Later ${uniq(testInfo)} KG`;
  const id = await newCustomer(page, name);
  await page.goto(`/customers/${id}/sales`);
  await ready(page, testInfo);
  await page.getByRole("link", { name: "New sales item" }).click();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("[data-picked]")).toHaveText(name);
  await page.getByLabel("Description").fill("Firewall licence");
  await page.getByLabel("Unit price").fill("480");
  await page.getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("dialog", { name: `Billing info for ${name}` });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("alert").filter({ hasText: "has no complete billing info yet" })).toBeVisible();
  await expect(page.getByLabel("Description")).toHaveValue("Firewall licence");
  const list = await api(page, "sales/list", { query: { customer: id } });
  expect(list.rows).toHaveLength(0);
});

import { expect, test } from "@playwright/test";
import { addBilling, api, newCustomer, uniq } from "./billing-helpers";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("the readiness checklist on the Overview turns green as billing info, a contract, an SLA and a portal user are added", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the SLA and contact editors need JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  const id = await newCustomer(page, `Startklar ${tag} GmbH`);
  const slaName = `Readiness ${tag}`;
  await api(page, "settings/slas/save", {
    id: null, version: null,
    definition: { name: slaName, targets: { high: { first_response_minutes: "60", resolution_minutes: "480" } } },
  });

  await page.goto(`/customers/${id}`);
  await ready(page, testInfo);
  const item = (x: string) => page.locator(`#ready-${x}`);
  await expect(page.locator("#readiness-verdict")).toHaveText("Not ready to bill");
  await expect(item("main-contact")).toHaveAttribute("data-done", "true");
  for (const x of ["billing", "contract", "sla", "portal"]) await expect(item(x)).toHaveAttribute("data-done", "false");
  await expect(item("billing").getByRole("link")).toHaveAttribute("href", `/customers/${id}/billing`);
  await expect(item("contract").getByRole("link")).toHaveAttribute("href", `/contracts/new?customer=${id}`);
  await checkA11y(page, "overview with readiness");

  // billing info and a contract make the customer billable
  await addBilling(page, id);
  await api(page, "contracts/create", {
    idempotency_key: crypto.randomUUID(), customer: id, active: true,
    contract: { name: "Managed services", start_date: "2026-12-01", billing_cycle: "monthly", billing_timing: "advance",
                currency: "EUR", payment_terms_days: "14", payment_method: "manual",
                parts: [{ contract_type: "retainer", quantity: "1", rate: "99.00" }] },
  });
  await page.reload();
  await ready(page, testInfo);
  await expect(page.locator("#readiness-verdict")).toHaveText("Ready to bill");
  await expect(page.locator("#readiness")).toContainText("3 of 5 done");

  // the SLA where the checklist links to: the Settings tab's service level
  await item("sla").getByRole("link", { name: "Choose an SLA" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${id}/settings#service-level$`));
  await ready(page, testInfo);
  const form = page.locator("#service-level-form");
  await form.getByLabel("SLA").selectOption({ label: slaName });
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#save-status")).toHaveText("Saved.");

  // a portal user: the main contact gets portal access
  // the tabs are plain links (a full page load): wait for it to hydrate before clicking
  await page.getByRole("link", { name: "Contacts", exact: true }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await ready(page, testInfo);
  await page.locator('tr[data-contact="Jürgen Groß"]').getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("form", { name: "Edit contact" });
  await dialog.getByLabel("Allow access to the customer portal").check();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);

  await page.getByRole("link", { name: "Overview" }).click();
  await ready(page, testInfo);
  await expect(page.locator("#readiness")).toContainText("5 of 5 done");
  for (const x of ["billing", "contract", "main-contact", "sla", "portal"]) await expect(item(x)).toHaveAttribute("data-done", "true");
  await expect(page.locator("ol.audit")).toContainText(slaName);
  expect(errors).toEqual([]);
});

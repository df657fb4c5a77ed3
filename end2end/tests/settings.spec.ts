import { expect, test } from "@playwright/test";
import { jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("an admin creates, clones and edits shared SLAs", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the editor needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/settings/slas");
  await ready(page, testInfo);
  await expect(page.getByRole("heading", { name: "SLAs" })).toBeVisible();

  await page.getByRole("button", { name: "New SLA" }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Please fill in this field.").first()).toBeVisible();
  await page.getByLabel("SLA name").fill("Standard");
  await page.locator("#f-sla-targets-high-first_response_minutes").fill("60");
  await page.locator("#f-sla-targets-high-resolution_minutes").fill("30");
  await page.locator("#f-sla-targets-high-resolution_minutes").blur();
  await expect(page.locator("#f-sla-targets-high-resolution_minutes")).toHaveAttribute("aria-invalid", "true");
  await page.locator("#f-sla-targets-high-resolution_minutes").fill("480");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  const standard = page.getByRole("row", { name: /Standard/ });
  await expect(standard).toContainText("5 business-hour spans · Europe/Berlin");

  await page.getByRole("button", { name: "Clone Standard" }).click();
  await expect(page.getByLabel("SLA name")).toHaveValue("Copy of Standard");
  await page.getByLabel("SLA name").fill("Premium");
  await page.getByLabel("Around the clock (24/7)").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Premium/ })).toContainText("24/7");
  await expect(page.getByRole("row", { name: /Standard/ })).toHaveCount(1);

  await page.getByRole("button", { name: "Edit Standard" }).click();
  await page.getByLabel("SLA name").fill("Standard (office hours)");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Standard \(office hours\)/ })).toBeVisible();
  expect(errors).toEqual([]);
});

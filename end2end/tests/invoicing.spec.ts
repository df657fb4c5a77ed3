import { expect, test } from "@playwright/test";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("the company and the numbering are set up for invoicing", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the invoicing settings act through JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/settings/invoicing");
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "Your company" })).toBeVisible();
  await checkA11y(page, "invoicing settings");

  // checked as typed, by the rules the server runs again
  const form = page.locator("#company-form");
  await form.getByLabel("Legal name").fill("Muster IT GmbH");
  await form.getByLabel("Tax number (Germany)").fill("12/3");
  await form.getByLabel("Tax number (Germany)").blur();
  await expect(form.getByText("Please enter the tax number as the tax office gave it")).toBeVisible();
  await form.getByLabel("Tax number (Germany)").fill("");
  await form.getByLabel("IBAN").fill("");
  await form.getByLabel("Street and number").fill("");
  await form.getByLabel("City").fill("");
  await form.getByLabel("Postal code").fill("");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#company-missing")).toContainText("Still missing for invoices: address, tax number or VAT ID, bank account (IBAN)");

  await form.getByLabel("Street and number").fill("Hauptstraße 1");
  await form.getByLabel("Postal code").fill("80331");
  await form.getByLabel("City").fill("München");
  await form.getByLabel("Country").fill("DE");
  await form.getByLabel("Tax number (Germany)").fill("143/123/45678");
  await form.getByLabel("IBAN").fill("DE89 3704 0044 0532 0130 00");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#company-missing")).toHaveText("Complete: your invoices can name your company.");

  // a series with a live example of its next number
  const year = new Date().getFullYear();
  await page.getByRole("button", { name: "Add series" }).click();
  const dialog = page.locator("#series-dialog");
  await dialog.getByLabel("Name").fill(`Filiale Madrid ${testInfo.workerIndex}-${Date.now()}`);
  await dialog.getByLabel("Format").fill("MAD-{YY}-{N:4}");
  await dialog.getByLabel("Next counter").fill("17");
  await expect(dialog.locator("#series-example")).toContainText(`MAD-${String(year).slice(2)}-0017`);
  await dialog.getByLabel("Format").fill("MAD {N}");
  await expect(dialog.getByText("“ ” cannot be in an invoice number")).toBeVisible();
  // a yearly restart without the year: saving is refused in the browser, the dialog stays
  await dialog.getByLabel("Format").fill("MAD-{N:4}");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("A counter that restarts every year needs the year in the number")).toBeVisible();
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Format").fill("MAD-{YY}-{N:4}");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator("#series-table")).toContainText(`MAD-${String(year).slice(2)}-0017`);

  // the review the first invoice run asks for
  await page.getByRole("button", { name: "Confirm numbering" }).click();
  await expect(page.locator("#numbering-state")).toContainText("Numbering confirmed on");
  await expect(page.locator("#numbering-state")).toContainText("Ada Admin");
  expect(errors).toEqual([]);
});

import { expect, test } from "@playwright/test";
import { jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("an admin adds a technician, who then cannot reach user management", async ({ page, browser }, testInfo) => {
  const errors = watchConsole(page);
  const email = `tech-${testInfo.project.name}@example.com`;
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await ready(page, testInfo);

  const form = page.locator("form.grid-form");
  const emailField = form.getByLabel("E-mail");
  if (jsEnabled(testInfo)) {
    // the shared domain rule answers as the user types, once the field was left
    await emailField.fill("tomás@");
    await expect(form.getByText("The part after the @ is not a valid domain.")).toHaveCount(0);
    await emailField.blur();
    await expect(form.getByText("The part after the @ is not a valid domain.")).toBeVisible();
    await expect(emailField).toHaveAttribute("aria-invalid", "true");
    await form.getByLabel("Initial password").fill("short");
    await form.getByLabel("Initial password").blur();
    await expect(form.getByText("The password must have at least 10 characters.")).toBeVisible();
  } else {
    // without JavaScript the server's verdict comes back with the page
    await form.getByLabel("Name").fill("Tomás García");
    await emailField.fill("tomás@");
    await form.getByLabel("Initial password").fill("short");
    await form.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByText("The part after the @ is not a valid domain.")).toBeVisible();
  }
  await page.locator("form.grid-form").getByLabel("Name").fill("Tomás García");
  await page.locator("form.grid-form").getByLabel("E-mail").fill(email);
  await page.locator("form.grid-form").getByLabel("Role").selectOption("technician");
  await page.locator("form.grid-form").getByLabel("Initial password").fill("a long enough password");
  await page.locator("form.grid-form").getByRole("button", { name: "Add user" }).click();
  const row = page.getByRole("row", { name: new RegExp(email) });
  await expect(row).toBeVisible();
  await expect(row.getByRole("combobox")).toHaveValue("technician");
  expect(errors).toEqual([]);

  // the technician signs in elsewhere: no Settings entry, and the page refuses
  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const other = await context.newPage();
  await signIn(other, testInfo, email, "a long enough password");
  await expect(other.getByRole("heading", { name: "Welcome, Tomás García" })).toBeVisible();
  await expect(other.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Settings" })).toHaveCount(0);
  await other.goto("/settings/users");
  await expect(other.getByRole("alert").filter({ hasText: "You are not allowed to do this." })).toBeVisible();
  await context.close();
});

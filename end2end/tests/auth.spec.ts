import { expect, test } from "@playwright/test";
import { admin, ready, signIn, watchConsole } from "./helpers";

test("an anonymous visit to a protected page lands on the sign-in page", async ({ page }) => {
  await page.goto("/settings/users");
  await expect(page).toHaveURL(/\/login\?next=%2F|\/login\?next=\/settings\/users/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password shows a clear error and keeps the user out", async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await signIn(page, testInfo, admin.email, "not the password");
  await expect(page.getByRole("alert")).toHaveText("The e-mail address or the password is wrong.");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
});

test("sign in, switch to German, reload and stay signed in, sign out", async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await ready(page, testInfo);
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await expect(nav).toContainText("Customers");
  await expect(nav).toContainText("Sales & billing");
  await expect(nav.getByRole("link", { name: "Service desk" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings" })).toBeVisible();

  // the language switcher lives in the user menu
  await page.locator(".usermenu summary").click();
  await page.getByLabel("Language").selectOption("de");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("heading", { name: "Willkommen, Ada Admin" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toContainText("Kunden");
  // dates in the German format
  await expect(page.getByText(/heute ist der \d{2}\.\d{2}\.\d{4}/)).toBeVisible();

  await page.reload();
  await ready(page, testInfo);
  await expect(page.getByRole("heading", { name: "Willkommen, Ada Admin" })).toBeVisible();

  await page.locator(".usermenu summary").click();
  await page.getByRole("button", { name: "Abmelden" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Anmelden" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Sie wurden abgemeldet.");
  // the session is gone on the server: a protected page sends us back to sign-in
  await page.goto("/settings/users");
  await expect(page).toHaveURL(/\/login/);
  expect(errors).toEqual([]);
});

test("an unknown address shows the 404 page inside the app", async ({ page }, testInfo) => {
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

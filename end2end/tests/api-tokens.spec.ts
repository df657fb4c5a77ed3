import { expect, test } from "@playwright/test";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("an admin creates an API token, sees its secret once, uses it and revokes it", async ({ page, request }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the token page needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/settings/api-tokens");
  await ready(page, testInfo);
  // the page's own chunk hydrates after the shell marks the body: wait until it is in
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "API tokens", exact: true })).toBeVisible();

  const name = `RMM ${testInfo.project.name} ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await expect(page.getByLabel(/usage:write/)).toBeChecked();
  await checkA11y(page, "API token form");
  await page.getByRole("button", { name: "Create token" }).click();

  // the secret, shown this once, with a copy button
  await expect(page.getByRole("heading", { name: `Token “${name}” created` })).toBeVisible();
  await expect(page.getByText("it is shown only this once")).toBeVisible();
  const secret = await page.getByLabel("The new token").inputValue();
  expect(secret).toMatch(/^onb_[0-9a-f]{64}$/);
  await page.getByRole("button", { name: "Copy" }).click();
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(secret.slice(0, 12) + "…");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("never");

  // the token works for the usage endpoint (an empty batch is its own 422, not a 401)
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const used = await request.post("/api/usage/readings", { headers, data: { readings: [] } });
  expect(used.status()).toBe(422);

  // once dismissed, it is gone for good: the list shows only its first characters
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByLabel("The new token")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  await page.reload();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("row", { name: new RegExp(name) })).not.toContainText("never");
  await expect(page.getByText(secret)).toHaveCount(0);

  // revoke, confirmed in place; it stays listed as revoked and stops working
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("button", { name: "Revoke token" }).click();
  const revoked = page.getByRole("row", { name: new RegExp(name) });
  await expect(revoked).toContainText("Revoked");
  await expect(revoked).toContainText("Ada Admin");
  await expect(page.getByRole("button", { name: `Revoke ${name}` })).toHaveCount(0);
  const refused = await request.post("/api/usage/readings", { headers, data: { readings: [] } });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toEqual({ error: "unauthenticated" });
  expect(errors).toEqual([]);
});

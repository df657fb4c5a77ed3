import { expect, test } from "@playwright/test";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("an admin builds the service catalogue: errors as typed, versions on save, archive", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the editor needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/settings/services");
  await ready(page, testInfo);
  // the page's own chunk hydrates after the shell marks the body: wait until it is in
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "Services", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "New service" }).click();
  await expect(page.getByRole("heading", { name: "New service", level: 3 })).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Please fill in this field.").first()).toBeVisible();
  const code = page.getByLabel("Code");
  await code.fill("rmm server");
  await code.blur();
  await expect(page.getByText("A service code has capital letters, digits", { exact: false })).toBeVisible();
  await code.fill("rmm-server");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("RMM Server");
  await page.getByLabel("Charged").selectOption("per_device");
  await page.getByLabel("Device category").selectOption("server");
  await page.getByLabel("Default price per unit").fill("12.50");
  const account = page.getByLabel("Revenue account");
  await account.fill("84-00");
  await account.blur();
  await expect(page.getByText("A revenue account is a number of up to 12 digits", { exact: false })).toBeVisible();
  await account.fill("8400");
  await checkA11y(page, "service editor");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Service saved (version 1).");
  const row = page.getByRole("row", { name: /RMM-SERVER/ });
  await expect(row).toContainText("Per device (Servers)");
  await expect(row).toContainText("12.50 EUR");

  // a price change is version 2
  await page.getByRole("button", { name: "Edit RMM-SERVER" }).click();
  await expect(page.getByRole("heading", { name: "Edit service RMM-SERVER" })).toBeVisible();
  await page.getByLabel("Default price per unit").fill("14");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Service saved (version 2).");
  await expect(row).toContainText("14 EUR");
  // both states stay, newest first, with who saved them
  await page.getByRole("button", { name: "History RMM-SERVER" }).click();
  const history = page.getByRole("dialog", { name: "History of RMM-SERVER" });
  await expect(history.locator("tbody tr")).toHaveCount(2);
  await expect(history.locator("tbody tr").first()).toContainText("14 EUR");
  await expect(history.locator("tbody tr").last()).toContainText("12.50 EUR");
  await expect(history.locator("tbody tr").first()).toContainText("Ada Admin");
  await history.getByRole("button", { name: "Close" }).click();
  await expect(history).toBeHidden();

  // the same code again is refused by the server, next to the field
  await page.getByRole("button", { name: "New service" }).click();
  await page.getByLabel("Code").fill("RMM-Server");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Duplicate");
  await page.getByLabel("Charged").selectOption("flat_fee");
  await page.getByLabel("Default price per unit").fill("1");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Another service already has this code.")).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();

  // archived services leave the list until asked for
  await page.getByRole("button", { name: "Edit RMM-SERVER" }).click();
  await page.getByLabel("Archived (no longer offered)").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Service saved (version 3).");
  await expect(page.getByRole("row", { name: /RMM-SERVER/ })).toHaveCount(0);
  await page.getByLabel("Show archived services").check();
  await expect(page.getByRole("row", { name: /RMM-SERVER/ })).toContainText("Archived");
  // the one refused save (the duplicate code) is the browser's only complaint
  expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
  expect(errors.filter((e) => e.includes("status of 422"))).toHaveLength(1);
});

test("the catalogue comes in as CSV through the import page and goes out as its export", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "uploading a file needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/settings/services");
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", "/api/export/services");
  await page.getByRole("link", { name: "Import CSV" }).click();
  await ready(page, testInfo);
  await expect(page.getByRole("heading", { name: "Import", exact: true })).toBeVisible();
  // opened from the catalogue, the import is of services
  await expect(page.getByLabel("Services (catalogue)")).toBeChecked();
  await expect(page.getByRole("link", { name: "Download the template (CSV)" })).toHaveAttribute(
    "href",
    "/api/imports/template/services",
  );

  const tag = Date.now().toString(36).toUpperCase();
  // a German spreadsheet: labels as headers, semicolons, a decimal comma
  const csv =
    "\uFEFFCode;Name;Abrechnung;Gerätekategorie;Einheit;Preis pro Einheit\n" +
    `IMP-${tag}-WS;Arbeitsplatz ${tag};per_device;workstation;;9,90\n` +
    `IMP-${tag}-GB;Backup ${tag};per_usage;;per_gb;0,08\n`;
  await page.getByLabel(/CSV file/).setInputFiles({ name: `leistungen-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { name: "Map the columns" })).toBeVisible();
  await page.getByRole("button", { name: "Check the file (dry run)" }).click();
  await expect(page.getByText("All 2 rows are fine.")).toBeVisible();
  await page.getByRole("button", { name: "Import now" }).click();
  await expect(page.getByRole("heading", { name: "Import complete" })).toBeVisible();
  await expect(page.getByRole("button", { name: `Undo leistungen-${tag}.csv` })).toBeVisible();
  await checkA11y(page, "the finished catalogue import");

  await page.getByRole("link", { name: "Go to the services" }).click();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  const row = page.getByRole("row", { name: new RegExp(`IMP-${tag}-WS`) });
  await expect(row).toContainText(`Arbeitsplatz ${tag}`);
  await expect(row).toContainText("9.90 EUR");
  // the export holds what came in, in the import's own columns
  const res = await page.request.get("/api/export/services?headers=keys");
  expect(res.status()).toBe(200);
  const exported = await res.text();
  expect(exported).toContain(`IMP-${tag}-GB,Backup ${tag},,per_usage,,per_gb,0.08,EUR,standard,,no`);
  expect(errors).toEqual([]);
});

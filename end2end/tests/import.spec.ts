import { expect, test, type TestInfo } from "@playwright/test";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

function uniq(testInfo: TestInfo) {
  return `${testInfo.project.name}-${Date.now().toString(36)}`;
}

test("import customers: see the errors, map a column, check, commit, find them in the list", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "uploading a file needs JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  // German Excel: BOM, semicolons, and a company column under a name the importer does not know.
  const csv =
    "\uFEFFKundenbezeichnung;Domains;Straße;PLZ;Ort;Land\n" +
    `Import Müller ${tag};mueller-${tag}.de;Hauptstraße 1;50667;Köln;DE\n` +
    `Import Groß ${tag};gross-${tag}.de;Marienplatz 1;80331;München;DE\n`;

  await page.goto("/settings/import");
  await ready(page, testInfo);
  await page.getByLabel(/CSV file/).setInputFiles({ name: `kunden-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { name: "Map the columns" })).toBeVisible();
  await expect(page.getByText("not recognized")).toHaveCount(1);
  await expect(page.getByText("Required columns not mapped yet: Company")).toBeVisible();

  // The check lists the problem by row and column, and writes nothing.
  await page.getByRole("button", { name: "Check the file (dry run)" }).click();
  const table = page.locator("#import-errors");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table.locator("tbody tr td").nth(0)).toHaveText("1");
  await expect(table.locator("tbody tr td").nth(1)).toHaveText("Company");
  await expect(table).toContainText("The required column is missing");
  await expect(page.getByRole("link", { name: "Download the problems as CSV" })).toBeVisible();
  await checkA11y(page, "the import's error table");
  await page.screenshot({ path: testInfo.outputPath("import-errors.png"), fullPage: true });

  // Fix it by mapping the column, check again, then import.
  await page.getByLabel("Kundenbezeichnung").selectOption("name");
  await expect(page.locator("#import-errors")).toHaveCount(0);
  await page.getByRole("button", { name: "Check the file (dry run)" }).click();
  await expect(page.getByText("All 2 rows are fine.")).toBeVisible();
  await expect(page.getByText("2 new, 0 updated, 0 unchanged.").first()).toBeVisible();
  await page.getByRole("button", { name: "Import now" }).click();
  await expect(page.getByRole("heading", { name: "Import complete" })).toBeVisible();
  await expect(page.locator("progress")).toHaveAttribute("value", "100");
  await expect(page.getByText("100 %")).toBeVisible();
  await expect(page.getByRole("button", { name: `Undo kunden-${tag}.csv` })).toBeVisible();
  await checkA11y(page, "the finished import");
  await page.screenshot({ path: testInfo.outputPath("import-done.png"), fullPage: true });

  await page.getByRole("link", { name: "Go to the customer list" }).click();
  await ready(page, testInfo);
  await page.goto(`/customers?q=${encodeURIComponent(tag)}`);
  await expect(page.getByRole("link", { name: `Import Müller ${tag}` })).toBeVisible();
  await expect(page.getByRole("link", { name: `Import Groß ${tag}` })).toBeVisible();
  expect(errors).toEqual([]);
});

test("the import page offers templates and exports in the user's language", async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await page.goto("/settings/import");
  await ready(page, testInfo);
  await expect(page.getByRole("heading", { name: "Import", exact: true })).toBeVisible();
  const template = page.getByRole("link", { name: "Download the template (CSV)" });
  await expect(template).toHaveAttribute("href", "/api/imports/template/customers");
  const res = await page.request.get("/api/imports/template/customers", { headers: { "accept-language": "es" } });
  expect(res.status()).toBe(200);
  const text = await res.text();
  expect(text.split("\n")[0]).toContain("Empresa;");
  await expect(page.getByRole("link", { name: "Export current data (CSV)" })).toHaveAttribute("href", "/api/export/customers");
  expect(errors).toEqual([]);
});

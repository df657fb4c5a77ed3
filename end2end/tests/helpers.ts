import { expect, type Page, type TestInfo } from "@playwright/test";
import * as fs from "fs";

export const admin = {
  email: process.env.E2E_ADMIN_EMAIL ?? "admin@example.com",
  password: process.env.E2E_ADMIN_PASSWORD ?? "correct horse battery",
};

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/** Fails the test on any console error (a CSP violation, a panic in the WASM, …). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

/** With JavaScript on, waits until the WASM has hydrated the page, so the test drives the
 * client-side code paths; without it, the page is ready once loaded. */
export async function ready(page: Page, testInfo: TestInfo): Promise<void> {
  if (jsEnabled(testInfo)) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
    // A lazy page hydrates its own chunks and then reads its draft and data in effects;
    // the marker on <body> can come before those have settled.
    await page.waitForLoadState("networkidle");
  }
}

export async function signIn(page: Page, testInfo: TestInfo, email = admin.email, password = admin.password) {
  await page.goto("/login");
  await ready(page, testInfo);
  await page.getByLabel(/e-mail|correo/i).fill(email);
  await page.getByLabel(/password|passwort|contraseña/i).fill(password);
  await page.getByRole("button", { name: /sign in|anmelden|iniciar sesión/i }).click();
}

const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core in the page: no serious or critical accessibility violation. */
export async function checkA11y(page: Page, where: string) {
  // After a client-side navigation the new page sets its <title> a moment after its
  // content shows; check the page once it is complete, not between the two.
  await expect.poll(() => page.title(), { message: `${where} has a title` }).not.toBe("");
  // evaluated through the DevTools protocol: the page's CSP rightly refuses inline scripts
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-ignore injected above
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v: any) => v.impact === "serious" || v.impact === "critical")
      .map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(" ")).join(", ")})`);
  });
  expect(violations, `accessibility violations on ${where}`).toEqual([]);
}


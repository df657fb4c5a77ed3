import { expect, test } from "@playwright/test";
import { api, newCustomer, pickCustomer, uniq } from "./billing-helpers";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("a ticket is opened for a customer, noted, answered, assigned, waited on and resolved", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the ticket form and page act through JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  const name = `Desk ${tag} GmbH`;
  const subject = `Drucker ${tag}`;
  await newCustomer(page, name);

  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Service desk" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New ticket" }).click();
  await expect(page.getByRole("heading", { name: "New ticket" })).toBeVisible();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");

  // errors as typed, from the rules the server runs again
  await page.getByRole("button", { name: "Open ticket" }).click();
  await expect(page.getByText("Please choose the customer the ticket is for.")).toBeVisible();
  await pickCustomer(page, name);
  // the customer's main contact reported it
  await expect(page.locator("#f-contact option")).toHaveCount(2);
  await page.locator("#f-contact").selectOption({ index: 1 });
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Description").fill("Druckt nur leere Seiten.");
  await page.getByLabel("Cc (watchers)").fill("chef@desk.example, kein-mail");
  await expect(page.locator(".field-error").filter({ hasText: /e-mail/i }).first()).toBeVisible();
  await page.getByLabel("Cc (watchers)").fill("chef@desk.example");

  // the draft survives a reload
  await page.reload();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("#draft-restored")).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue(subject);
  await expect(page.locator("[data-picked]")).toHaveText(name);
  await page.getByRole("button", { name: "Open ticket" }).click();

  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/);
  await expect(page.locator("#ticket-title")).toHaveText(subject);
  await expect(page.locator("#ticket-number")).toHaveText(/^T-\d{4}-\d{6}$/);
  await expect(page.locator("#ticket-status")).toContainText("New");
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await checkA11y(page, "ticket page");

  // an internal note keeps the ticket new; a public reply answers and opens it
  await page.getByLabel("Internal note").check();
  await page.locator("#reply-body").fill("Toner geprüft.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.locator("#ticket-messages > li")).toHaveCount(2);
  await expect(page.locator("#ticket-messages > li.note")).toContainText("Toner geprüft.");
  await expect(page.locator("#ticket-status")).toContainText("New");
  await page.getByLabel("Reply to the customer").check();
  await page.locator("#reply-body").fill("Wir schicken heute jemanden vorbei.");
  // the unsent reply survives a reload too
  await page.reload();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("#reply-body")).toHaveValue("Wir schicken heute jemanden vorbei.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator("#ticket-messages > li")).toHaveCount(3);
  await expect(page.locator("#ticket-status")).toContainText("Open");
  await expect(page.locator("#reply-body")).toHaveValue("");

  // the contact's confirmation and the reply, and the watcher's copy, are in the outbox,
  // and the server's sender sends them
  const mail = page.locator("#ticket-mail > li");
  await expect(mail.filter({ hasText: "Confirmation" }).filter({ hasText: /juergen@/ })).toHaveCount(1);
  await expect(mail.filter({ hasText: "Reply" }).filter({ hasText: /juergen@/ })).toHaveCount(1);
  await expect(mail.filter({ hasText: "chef@desk.example" })).toHaveCount(1);
  await expect(async () => {
    await page.reload();
    await expect(page.locator("#ticket-mail > li").first()).toContainText("Sent", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");

  await page.getByRole("button", { name: "Assign to me" }).click();
  await expect(page.getByRole("button", { name: "Assign to me" })).toHaveCount(0);
  await expect(page.getByLabel("Assignee").locator("option:checked")).toHaveText("Ada Admin");
  await page.getByRole("button", { name: "Waiting on customer" }).click();
  await expect(page.locator("#ticket-status")).toContainText("Waiting on customer");
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.locator("#ticket-status")).toContainText("Resolved");
  await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();

  // not in "mine" any more (resolved), but in "all" and on the customer's Tickets tab
  await page.goto("/tickets");
  await expect(page.locator("#queue-mine")).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("row", { name: new RegExp(subject) })).toHaveCount(0);
  await page.goto(`/tickets?queue=all&q=${encodeURIComponent(subject)}`);
  const row = page.getByRole("row", { name: new RegExp(subject) });
  await expect(row).toContainText("Resolved");
  await expect(row).toContainText("Ada Admin");
  await row.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await page.getByRole("navigation", { name: "Customer sections" }).getByRole("link", { name: "Tickets" }).click();
  await expect(page.getByRole("row", { name: new RegExp(subject) })).toBeVisible();
  expect(errors).toEqual([]);
});

test("the queues page lists, searches and pages without JavaScript too", async ({ page }, testInfo) => {
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  const name = `Queue ${tag} SL`;
  const customer = await newCustomer(page, name);
  const created = [];
  for (const title of [`Impresora ${tag}`, `Correo ${tag}`]) {
    created.push(
      await api(page, "tickets/create", {
        idempotency_key: crypto.randomUUID(),
        customer,
        ticket: { title, priority: "high", source: "email" },
      }),
    );
  }
  await page.goto("/tickets?queue=unassigned");
  await expect(page.locator("#queue-unassigned")).toHaveAttribute("aria-current", "page");
  await page.getByLabel("Search").fill(`Impresora ${tag}`);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/queue=unassigned/);
  const rows = page.locator("#tickets-table tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(created[0].number);
  await expect(rows.first()).toContainText("High");
  await page.goto(`/tickets?queue=all&q=${created[1].number}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Correo ${tag}`);
  // axe runs in the page: only where the page runs scripts
  if (jsEnabled(testInfo)) await checkA11y(page, "tickets queues");
});

import { expect, test } from "@playwright/test";
import { api, fillBilling, newCustomer, uniq } from "./billing-helpers";
import { checkA11y, jsEnabled, ready, signIn, watchConsole } from "./helpers";

test("time is logged with the timer on a ticket, submitted, and approved after the gate asks for billing info", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the timer and the billing-info dialog need JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  const name = `Zeit ${tag} GmbH`;
  const customer = await newCustomer(page, name);
  const ticket = await api(page, "tickets/create", {
    idempotency_key: crypto.randomUUID(),
    customer,
    ticket: { title: `Server ${tag}`, priority: "medium", source: "phone" },
  });

  await page.goto(`/tickets/${ticket.id}`);
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.getByText("No time logged on this ticket yet.")).toBeVisible();

  // the timer runs on through a reload
  await page.getByRole("button", { name: "Start timer" }).click();
  await expect(page.locator("#timer-clock")).toHaveText(/^0:00:0\d$/);
  await page.waitForTimeout(1200);
  await page.reload();
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("#timer-clock")).not.toHaveText("0:00:00");
  await page.getByRole("button", { name: "Stop and fill in" }).click();
  await expect(page.getByRole("button", { name: "Start timer" })).toBeVisible();
  await expect(page.getByLabel("Duration")).toHaveValue("0:01");
  await expect(page.getByLabel("Start", { exact: true })).not.toHaveValue("");
  await expect(page.getByLabel("Work date")).not.toHaveValue("");

  // typed values are checked as typed; start and end give the duration
  await page.getByLabel("Start", { exact: true }).fill("10:00");
  await page.getByLabel("End", { exact: true }).fill("09:30");
  await page.getByLabel("End", { exact: true }).blur();
  await expect(page.getByText("The end must be after the start.")).toBeVisible();
  await page.getByLabel("End", { exact: true }).fill("10:50");
  await expect(page.locator("#time-worked")).toHaveText("Worked: 0:50");
  await page.getByLabel("Notes").fill("Updates eingespielt, Neustart geprüft.");
  await checkA11y(page, "ticket with time");
  await page.getByRole("button", { name: "Save and submit" }).click();
  const row = page.locator("#time-entries tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("0:50");
  await expect(row.locator("[data-status]")).toHaveText("Submitted");
  await expect(page.locator("#time-total")).toContainText("0:50");

  // approval: the customer lacks billing info, so the gate asks, then approves by itself
  await page.goto("/time");
  await ready(page, testInfo);
  await page.getByRole("link", { name: "Approval" }).click();
  await expect(page).toHaveURL(/view=approval/);
  await page.waitForLoadState("networkidle");
  const entry = page.locator("#time-entries tbody tr", { hasText: name });
  await expect(entry).toHaveCount(1);
  await checkA11y(page, "time approval");
  await entry.getByRole("button", { name: "Approve" }).click();
  const dialog = page.getByRole("dialog", { name: `Billing info for ${name}` });
  await expect(dialog).toBeVisible();
  await fillBilling(dialog, "Köln");
  await expect(dialog).toBeHidden();
  // approved entries leave the "submitted" view; every status shows it approved
  await expect(page.locator("#time-entries tbody tr", { hasText: name })).toHaveCount(0);
  await page.getByLabel("Status").selectOption("all");
  await page.getByRole("button", { name: "Show" }).click();
  const approved = page.locator("#time-entries tbody tr", { hasText: name });
  await expect(approved.locator("[data-status]")).toHaveText("Approved");
  await expect(approved).toContainText("No contract");
  // the customer's Time tab lists it, approved and waiting to be invoiced
  await page.goto(`/customers/${customer}/time`);
  await ready(page, testInfo);
  await expect(page.locator("#time-entries tbody tr")).toHaveCount(1);
  await expect(page.locator("#time-entries [data-status]")).toHaveText("Approved");
  await expect(page.locator("#customer-time-totals")).toContainText("Approved, to invoice");
  // the gate's refusal is a 409 the browser logs; nothing else may fail
  expect(errors.filter((e) => !e.includes("409 (Conflict)"))).toEqual([]);
});

test("a technician's week lists their own time and submits its drafts at once", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the time form acts through JavaScript");
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const name = `Woche ${uniq(testInfo)} KG`;
  const customer = await newCustomer(page, name);
  const today = new Date();
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
  for (const duration of ["0:20", "45"]) {
    await api(page, "time/create", {
      idempotency_key: crypto.randomUUID(), customer, ticket: null, submit: false,
      entry: { work_date: day, duration, work_type: "billable", notes: "" },
    });
  }
  await page.goto("/time");
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  const mine = page.locator("#time-entries tbody tr", { hasText: name });
  await expect(mine).toHaveCount(2);
  await expect(mine.locator("[data-status]")).toHaveText(["Draft", "Draft"]);
  await page.getByRole("button", { name: "Submit all drafts" }).click();
  await expect(mine.locator("[data-status]")).toHaveText(["Submitted", "Submitted"]);
  await expect(page.getByRole("button", { name: "Submit all drafts" })).toHaveCount(0);
});

test("an e-mail from an unknown sender waits in the review queue and becomes a ticket in one step", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "the assign dialog acts through JavaScript");
  const errors = watchConsole(page);
  await signIn(page, testInfo);
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  const tag = uniq(testInfo);
  const name = `Post ${tag} AG`;
  await newCustomer(page, name);
  const { secret } = await api(page, "tokens/create", { name: `mail ${tag}`, scopes: ["inbound_email:write"] });
  const subject = `Drucker ${tag}`;
  const raw = [
    `From: Lena Neu <lena.${tag}@unbekannt.example>`,
    "To: support@onboard.localhost",
    `Subject: ${subject}`,
    `Message-ID: <${tag}@unbekannt.example>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Der Drucker im Empfang druckt nicht mehr.",
    "",
  ].join("\r\n");
  const res = await page.request.post("/api/inbound/email", { data: raw, headers: { authorization: `Bearer ${secret}` } });
  expect(res.status()).toBe(200);
  expect((await res.json()).outcome).toBe("review");

  await page.goto("/tickets");
  await ready(page, testInfo);
  await page.getByRole("link", { name: "Review queue" }).click();
  await expect(page.getByRole("heading", { name: "Review queue" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const row = page.locator("#review-queue tbody tr", { hasText: subject });
  await expect(row).toContainText("Unknown sender");
  await expect(row).toContainText("Der Drucker im Empfang");
  await checkA11y(page, "review queue");
  await row.getByRole("button", { name: "Open ticket" }).click();
  const dialog = page.getByRole("dialog", { name: "Open ticket" });
  await expect(dialog).toBeVisible();
  const search = dialog.getByRole("combobox", { name: "Customer" });
  await search.fill(name);
  await dialog.getByRole("option").getByRole("button", { name }).click();
  await dialog.getByRole("button", { name: "Open ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/);
  await expect(page.locator("#ticket-title")).toHaveText(subject);
  await expect(page.locator("#ticket-messages > li")).toContainText("Der Drucker im Empfang druckt nicht mehr.");
  await expect(page.locator("#ticket-messages > li .badge")).toContainText("by e-mail");
  await page.goto("/tickets/review");
  await ready(page, testInfo);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("#review-queue tbody tr", { hasText: subject })).toHaveCount(0);
  expect(errors).toEqual([]);
});

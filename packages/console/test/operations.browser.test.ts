import { waitFor } from "@oceanpos/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dayIn } from "../src/format.js";
import { buildConsole, fitsTabletPortrait, haveBrowser, launchBrowser, orderNumber, seeText, shoot, signIn, visible } from "./browser.js";
import { Stack, adminToken, storeKey } from "./stack.js";

/** The stores file's other operators (config/stores.example.json; docs/api.md). */
const supportToken = "demo-support-token";
const financeToken = "demo-finance-token";

/** Today in UTC, the zone the browser runs in and the runs below are made in. */
const todayUtc = () => dayIn("UTC");

describe.skipIf(!haveBrowser)("the console's operations screens (needs attention, reconciliation, audit) in a real browser", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await buildConsole();
    stack = await Stack.start({
      // A payment the gateway never answers goes to needs_review 2 s after its submit began.
      UNSETTLED_REVIEW_AFTER_MS: "2000",
      // A reconciliation whose gateway does not answer fails after two quick tries.
      RECONCILIATION_PAGE_ATTEMPTS: "2",
      RECONCILIATION_RETRY_DELAY_MS: "100",
      // A refund the gateway holds pending goes to needs_review 3 s after its submit, asked every half second.
      REFUND_RECONCILE_SCHEDULE_MS: "500",
      REFUND_REVIEW_AFTER_MS: "3000",
    });
    browser = await launchBrowser();
  });

  // Each test in a context of its own: a new tab's sessionStorage, nobody signed in; a tablet in landscape.
  beforeEach(async () => {
    await page?.context().close();
    page = await browser.newPage({ viewport: { width: 1024, height: 768 }, timezoneId: "UTC", locale: "en-GB" });
    await stack.faults(undefined);
  });

  afterAll(async () => {
    await stack?.faults(undefined).catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  });

  const screen = async (name: string) => {
    await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name }).click();
    await visible(page.getByRole("heading", { level: 1, name }));
  };

  /** The ledger's archive of one order, until `status`. */
  async function archived(number: string, status: string, timeoutMs = 60_000): Promise<void> {
    let last: string | undefined;
    await waitFor(
      async () => {
        const list = await stack.call<{ data: { status: string }[] }>(stack.urls.ledger, `/v1/payments?orderNumber=${number}`, adminToken);
        last = list.data[0]?.status;
        return last === status;
      },
      { timeoutMs, intervalMs: 200, message: `payment ${number} archived as ${status}` },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last seen: ${last ?? "not archived"}`);
    });
  }

  const pay = (number: string, amount: string, authCode = "134567890123456780") =>
    stack.call(stack.urls.intake, "/v1/payments", storeKey, { method: "POST", body: { orderNumber: number, amount, currency: "USD", mode: "merchant_scan", authCode } });

  it("resolves a needs_review payment the gateway never answered, and the audit log shows who did it and why", async () => {
    // The gateway answers nothing (500, nothing charged) until the end of the test.
    await stack.faults({ errorRate: 1 });
    const number = orderNumber("REVIEW");
    await pay(number, "7.25");
    await archived(number, "needs_review");

    await signIn(page, stack.urls.ledger, adminToken);
    await screen("Needs attention");
    const card = page.getByTestId(`payment:demo-store:${number}`);
    await seeText(card, "7.25 USD");
    await seeText(card, "settlement window");
    expect(await fitsTabletPortrait(page)).toBe(true);
    await shoot(page, "needs-attention");

    // Asked again while it still does not answer: the API's own words, nothing changed.
    await card.getByRole("button", { name: "Ask the gateway again" }).click();
    await seeText(card.getByRole("alert"), "gateway_unavailable");
    await seeText(card.getByRole("alert"), "nothing changed");

    await card.getByRole("radio", { name: "failed" }).check();
    await card.getByLabel(/^Reason/).fill("till shows the sale cancelled");
    await card.getByRole("button", { name: "Resolve", exact: true }).click();
    // The intake's answer, as it says it: the operator's decision, the gateway could not be asked.
    await seeText(card.getByRole("status"), "Your decision was applied: now failed. Asked once more, the gateway could not be asked");
    await seeText(card.getByRole("heading"), "failed");
    expect(await card.getByRole("button", { name: "Resolve", exact: true }).count()).toBe(0);
    await archived(number, "failed", 30_000);

    await screen("Audit");
    const row = page.getByRole("region", { name: "Operator actions" }).getByRole("row").filter({ hasText: "payment.resolve" }).filter({ hasText: number });
    // The log reaches the ledger by its drain: refreshed until it shows.
    await waitFor(
      async () => {
        await page.getByRole("button", { name: "Refresh" }).click();
        return (await row.count()) > 0;
      },
      { timeoutMs: 30_000, intervalMs: 500, message: `the audit log to show the resolve of ${number}` },
    );
    await seeText(row, /resolved a payment.*payment\.resolve/);
    const [when, who, role, action, target, reason, details] = await row.getByRole("cell").allTextContents();
    expect([who, role, action, target, reason]).toEqual(["admin", "admin", "resolved a paymentpayment.resolve", `payment ${number}store demo-store`, "till shows the sale cancelled"]);
    expect(when).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    for (const detail of ["requested: failed", "gateway: unreachable", "decidedBy: operator", "status: failed"]) expect(details).toContain(detail);
    // The ask that changed nothing is there too.
    await visible(page.getByRole("row").filter({ hasText: "payment.query" }).filter({ hasText: number }));
    expect(await fitsTabletPortrait(page)).toBe(true);
    await shoot(page, "audit");

    // The target is the payment's page, whose history says who settled it and why.
    await row.getByRole("link", { name: number }).click();
    await visible(page.getByRole("heading", { level: 1, name: `Payment ${number}` }));
    await seeText(page.getByRole("region", { name: "Payment history" }), /operator \(admin\).*till shows the sale cancelled/);
  });

  it("resolves a refund the gateway held pending past its window (refused while the gateway says pending, applied when it cannot be asked), and the audit log shows it", async () => {
    const number = orderNumber("REFUNDED");
    await pay(number, "10.00");
    await archived(number, "succeeded");
    const refundNumber = `R-${number}`;
    // Oceanpayment short of balance: the refund stays pending at the gateway, past the window.
    await stack.call(stack.urls.sandbox, "/sandbox/balance", adminToken, { method: "POST", body: { sufficient: false } });
    try {
      await stack.call(stack.urls.intake, `/v1/payments/${number}/refunds`, storeKey, { method: "POST", body: { refundNumber, amount: "4.00" } });
      await waitFor(
        async () => {
          const list = await stack.call<{ data: { status: string }[] }>(stack.urls.ledger, `/v1/refunds?orderNumber=${number}`, adminToken);
          return list.data[0]?.status === "needs_review";
        },
        { timeoutMs: 60_000, intervalMs: 200, message: `refund ${refundNumber} archived as needs_review` },
      );

      await signIn(page, stack.urls.ledger, adminToken);
      await screen("Needs attention");
      const card = page.getByTestId(`refund:demo-store:${number}:${refundNumber}`);
      await seeText(card.getByRole("heading"), `Refund ${refundNumber} of payment ${number}`);
      await seeText(card, "4.00 USD");
      // A refund cannot be asked about on this build: only resolved.
      expect(await card.getByRole("button", { name: "Ask the gateway again" }).count()).toBe(0);
      // No reason: the browser asks for one before anything is sent.
      await card.getByRole("radio", { name: "succeeded" }).check();
      await card.getByRole("button", { name: "Resolve", exact: true }).click();
      expect(await card.getByLabel(/^Reason/).evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
      await card.getByLabel(/^Reason/).fill("the bank statement shows it paid out");
      await card.getByRole("button", { name: "Resolve", exact: true }).click();
      // Asked once more, the gateway still holds it pending: no guess is recorded, the API's refusal is shown.
      await seeText(card.getByRole("alert"), "resolution_refused");
      await seeText(card.getByRole("alert"), "holds the refund pending");
      // The gateway out of reach: the operator's decision is applied, and the answer says so.
      await stack.faults({ errorRate: 1 });
      await card.getByRole("button", { name: "Resolve", exact: true }).click();
      await seeText(card.getByRole("status"), "Your decision was applied: now succeeded. Asked once more, the gateway could not be asked");
      await stack.faults(undefined);

      await screen("Audit");
      const row = page.getByRole("row").filter({ hasText: "refund.resolve" }).filter({ hasText: refundNumber });
      await waitFor(
        async () => {
          await page.getByRole("button", { name: "Refresh" }).click();
          return (await row.count()) > 0;
        },
        { timeoutMs: 30_000, intervalMs: 500, message: `the audit log to show the resolve of ${refundNumber}` },
      );
      await seeText(row, `refund ${refundNumber} of payment ${number}`);
      await seeText(row, "the bank statement shows it paid out");
    } finally {
      await stack.call(stack.urls.sandbox, "/sandbox/balance", adminToken, { method: "POST", body: { sufficient: true } });
    }
  });

  it("runs a reconciliation that finds a planted orphan charge, shows a run already going on, and a failed run's reason", async () => {
    const paid = orderNumber("MATCHED");
    await pay(paid, "12.50");
    await archived(paid, "succeeded");
    // A charge at the gateway that no request of ours made.
    const orphan = orderNumber("ORPHAN");
    await stack.call(stack.urls.sandbox, "/sandbox/orphan-charge", adminToken, { method: "POST", body: { orderNumber: orphan, amount: "9.99", currency: "USD" } });

    await signIn(page, stack.urls.ledger, adminToken);
    await screen("Reconciliation");
    await page.getByLabel("Day", { exact: true }).fill(todayUtc());
    await page.getByLabel("Day in time zone").selectOption("UTC");
    // The gateway is slow: the run lasts long enough for a second one to be refused.
    await stack.faults({ latencyMs: 3000 });
    await page.getByRole("button", { name: "Run reconciliation" }).click();
    await visible(page.getByRole("status").filter({ hasText: `Reconciliation of ${todayUtc()} (UTC) started` }));
    await page.getByRole("button", { name: "Run reconciliation" }).click();
    await visible(page.getByRole("status").filter({ hasText: `A reconciliation of ${todayUtc()} (UTC) is already running` }));
    await stack.faults(undefined);

    const run = page.getByRole("article").filter({ hasText: `${todayUtc()} (UTC)` });
    await seeText(run, "completed", 60_000);
    await seeText(run, "partial");
    // What matched: this test's 12.50 and the other tests' succeeded payments of the day, never the orphan's 9.99.
    await seeText(run, /Matched: \d+ charges?, \d+\.50 USD/);
    const discrepancy = page.getByRole("region", { name: /^Discrepancies of/ }).getByRole("row").filter({ hasText: orphan });
    await seeText(discrepancy, "missing here");
    await seeText(discrepancy, "The gateway charged an order we have no payment for");
    await seeText(discrepancy, "no payment here");
    await seeText(discrepancy, "9.99 USD");
    expect(await fitsTabletPortrait(page)).toBe(true);
    await shoot(page, "reconciliation");

    // Run again while the gateway does not answer: the run fails, and says why.
    await stack.faults({ errorRate: 1 });
    await run.first().getByRole("button", { name: /^Run again/ }).click();
    const failed = page.getByRole("article").filter({ hasText: `${todayUtc()} (UTC)` }).filter({ hasText: "failed" });
    await seeText(failed, /The run failed: .*after 2 tries/, 30_000);
    await stack.faults(undefined);

    // The discrepancy links to the payment's page: none here, as missing_here says.
    await discrepancy.getByRole("link", { name: orphan }).click();
    await visible(page.getByRole("heading", { level: 1, name: `Payment ${orphan}` }));
    await visible(page.getByText(`No payment ${orphan} in the archive`));
  });

  it("shows each role what it may do: finance reads needs attention and runs reconciliations, support resolves but neither runs one nor reads the audit log", async () => {
    await stack.faults({ errorRate: 1 });
    const number = orderNumber("ROLES");
    await pay(number, "3.00");
    await archived(number, "needs_review");
    await stack.faults(undefined);

    await signIn(page, stack.urls.ledger, financeToken);
    await screen("Needs attention");
    const card = page.getByTestId(`payment:demo-store:${number}`);
    await seeText(card, "3.00 USD");
    await visible(page.getByText("Your role reads this list"));
    expect(await card.getByRole("button").count()).toBe(0);
    await screen("Reconciliation");
    await visible(page.getByRole("button", { name: "Run reconciliation" }));
    await screen("Audit");
    await visible(page.getByRole("region", { name: "Operator actions" }));

    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, stack.urls.ledger, supportToken);
    await screen("Needs attention");
    await visible(card.getByRole("button", { name: "Resolve", exact: true }));
    await visible(card.getByRole("button", { name: "Ask the gateway again" }));
    // The gateway answers again: asked, it has no attempt for the order, which stays in review for a person.
    await card.getByRole("button", { name: "Ask the gateway again" }).click();
    await seeText(card.getByRole("status"), "The gateway was asked");
    await screen("Reconciliation");
    await visible(page.getByText("Your role reads the runs"));
    expect(await page.getByRole("button", { name: /^Run (reconciliation|again)/ }).count()).toBe(0);
    await screen("Audit");
    await seeText(page.getByRole("alert"), "may not do audit.read");
  });
});

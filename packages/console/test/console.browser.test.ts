import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { waitFor } from "@oceanpos/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildConsole, haveBrowser, launchBrowser, orderNumber, seeText, shoot, signIn as signInAs, visible } from "./browser.js";
import { Stack, adminToken, storeKey } from "./stack.js";

/** A webhook endpoint on loopback that fails until told otherwise, and remembers what it got. */
async function endpoint(): Promise<{ server: Server; url: string; received: string[]; healthy: { value: boolean } }> {
  const received: string[] = [];
  const healthy = { value: false };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (healthy.value) received.push(String(req.headers["webhook-id"]));
      res.writeHead(healthy.value ? 204 : 500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, healthy };
}

describe.skipIf(!haveBrowser)("the operator console in a real browser, against the whole stack", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await buildConsole();
    stack = await Stack.start();
    browser = await launchBrowser();
  });

  // Each test in a context of its own: a new tab's sessionStorage, nobody signed in.
  beforeEach(async () => {
    await page?.context().close();
    // A tablet in landscape.
    page = await browser.newPage({ viewport: { width: 1024, height: 768 }, timezoneId: "UTC", locale: "en-GB" });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const signIn = (token: string) => signInAs(page, stack.urls.ledger, token);

  /** A payment the sandbox approves at once, archived by the ledger as succeeded. */
  async function succeededPayment(prefix: string, amount: string): Promise<string> {
    const number = orderNumber(prefix);
    await stack.call(stack.urls.intake, "/v1/payments", storeKey, {
      method: "POST",
      headers: { prefer: "wait=10" },
      body: { orderNumber: number, amount, currency: "USD", mode: "merchant_scan", authCode: "134567890123456780" },
    });
    await waitFor(
      async () => {
        const list = await stack.call<{ data: { status: string }[] }>(stack.urls.ledger, `/v1/payments?orderNumber=${number}`, adminToken);
        return list.data[0]?.status === "succeeded";
      },
      { timeoutMs: 30_000, intervalMs: 200, message: `payment ${number} archived as succeeded` },
    );
    return number;
  }

  it("signs in, finds a payment, refunds part of it and follows the refund on the payment's page", async () => {
    const number = await succeededPayment("CONSOLE", "12.50");
    await page.goto(`${stack.urls.ledger}/console/`);
    await shoot(page, "login");
    await signIn(adminToken);

    await page.getByLabel("Order number starts with").fill(number);
    await page.getByRole("button", { name: "Search" }).click();
    const row = page.getByRole("row", { name: new RegExp(number) });
    await seeText(row, "12.50 USD");
    await seeText(row, "succeeded");
    await shoot(page, "payments");

    await row.getByRole("link", { name: number }).click();
    await visible(page.getByRole("heading", { level: 1, name: `Payment ${number}` }));
    await seeText(page.getByTestId("refundable"), "12.50 USD");
    await seeText(page.getByRole("region", { name: "Payment history" }), "80000");

    // More than is refundable: the API's own words.
    await page.getByLabel(/^Amount/).fill("20.00");
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    await seeText(page.getByRole("alert"), "refund_exceeds_payment");

    // The page follows the live event stream; while it does, it does not poll: only the refund's
    // events make it read the archive again. It stays live throughout (no fallback meanwhile).
    const liveStatus = page.getByTestId("live-status");
    await seeText(liveStatus, "Live: changes appear as they happen.");
    const states: string[] = [];
    await page.exposeFunction("liveStatusChanged", (text: string) => states.push(text));
    await liveStatus.evaluate((element) => {
      new MutationObserver(() => (window as unknown as { liveStatusChanged: (t: string) => void }).liveStatusChanged(element.textContent ?? "")).observe(element, { childList: true, characterData: true, subtree: true });
    });
    await page.getByLabel(/^Amount/).fill("5.00");
    await page.getByLabel("Refund number").fill(`R-${number}`);
    await page.getByLabel("Reason (optional)").fill("damaged");
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    await visible(page.getByRole("status").filter({ hasText: `Refund R-${number} of 5.00 USD accepted` }));
    // Each of the refund's events (accepted, submitting, pending, succeeded: the payer files it, the
    // sandbox pays it out and its notice settles it) reaches the open page through the stream.
    const refundRow = page.getByTestId(`refund-R-${number}`);
    await seeText(refundRow, /5\.00 USDsucceeded.*damaged/, 60_000);
    // What is not failed counts against the payment: 7.50 USD is left, and the next refund's default.
    await seeText(page.getByTestId("refundable"), "7.50 USD", 30_000);
    expect(await page.getByLabel(/^Amount/).inputValue()).toBe("7.50");
    expect(states.filter((text) => !text.startsWith("Live: ")), "the live status changed while the refund was followed").toEqual([]);
    await seeText(liveStatus, "Live: changes appear as they happen.");
    await shoot(page, "payment-detail");
  });

  it("shows a new payment in the list, and its status changes, as they happen", async () => {
    const prefix = orderNumber("LIVE");
    await signIn(adminToken);
    await page.getByLabel("Order number starts with").fill(prefix);
    await page.getByRole("button", { name: "Search" }).click();
    await visible(page.getByText("No payment matches."));
    await seeText(page.getByTestId("live-status"), "Live: changes appear as they happen.");
    // authCode …7: the sandbox answers pending, then pays SANDBOX_PENDING_MS (2 s) later.
    const number = `${prefix}-1`;
    await stack.call(stack.urls.intake, "/v1/payments", storeKey, {
      method: "POST",
      body: { orderNumber: number, amount: "8.00", currency: "USD", mode: "merchant_scan", authCode: "134567890123456787" },
    });
    const row = page.getByRole("row", { name: new RegExp(number) });
    await seeText(row, "8.00 USD");
    await seeText(row, "succeeded", 30_000);
    expect(await page.getByText("No payment matches.").count()).toBe(0);
  });

  it("replays one dead letter once the endpoint is back, from its row on the subscription's page", async () => {
    const hook = await endpoint();
    try {
      await signIn(adminToken);
      await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Webhooks" }).click();
      await page.getByLabel("Endpoint URL").fill(hook.url);
      await page.getByLabel(/^Events/).fill("payment.succeeded");
      await page.getByLabel("Description").fill("back office (test)");
      await page.getByRole("button", { name: "Create subscription" }).click();
      await visible(page.getByRole("status").filter({ hasText: "whsec_" }));
      await shoot(page, "webhooks");

      // The subscription is in the notifier's cache within SUBSCRIPTION_REFRESH_MS: pay until one event is dead-lettered.
      const { subscriptions } = await stack.call<{ subscriptions: { id: string; url: string }[] }>(stack.urls.notifier, "/v1/subscriptions", adminToken);
      const id = subscriptions.find((s) => s.url === hook.url)?.id ?? "";
      expect(id).not.toBe("");
      const dead = await waitFor(
        async () => {
          await succeededPayment("HOOK", "3.00");
          const { deadLetters } = await stack.call<{ deadLetters: { eventId: string }[] }>(stack.urls.notifier, `/v1/subscriptions/${id}/dead-letters`, adminToken);
          return deadLetters[0];
        },
        { timeoutMs: 60_000, intervalMs: 500, message: "a dead letter for the failing endpoint" },
      );

      await page.getByRole("link", { name: "back office (test)" }).click();
      await seeText(page.getByRole("region", { name: "Dead letters" }), dead.eventId);
      await shoot(page, "subscription");

      hook.healthy.value = true;
      await page.getByRole("button", { name: `Replay ${dead.eventId}` }).click();
      await visible(page.getByRole("status").filter({ hasText: `${dead.eventId} queued for delivery again` }));
      await waitFor(() => hook.received.includes(dead.eventId), { timeoutMs: 30_000, intervalMs: 100, message: `the replayed ${dead.eventId} at the endpoint` });
      // It left the dead letters (the page reads them again after the replay).
      await waitFor(async () => !((await page.getByRole("region", { name: "Dead letters" }).first().textContent()) ?? "").includes(dead.eventId), {
        timeoutMs: 10_000,
        intervalMs: 100,
        message: `${dead.eventId} gone from the dead letters`,
      });
      const delivered = page.getByRole("region", { name: "Delivery log" }).getByRole("row", { name: new RegExp(`${dead.eventId}.*delivered`) });
      await waitFor(
        async () => {
          await page.getByRole("button", { name: "Refresh" }).click();
          return (await delivered.count()) > 0;
        },
        { timeoutMs: 30_000, intervalMs: 500, message: `the delivery log to show ${dead.eventId} delivered` },
      );

      // The test event, from the same page.
      await page.getByRole("button", { name: "Send test event" }).click();
      await visible(page.getByRole("status").filter({ hasText: /Test event evt_.* delivered \(204/ }));
    } finally {
      await new Promise((resolve) => hook.server.close(resolve));
    }
  });

  it("gives a store key its own payments, read-only, and keeps the token for the tab only", async () => {
    await signIn(storeKey);
    const nav = page.getByRole("navigation", { name: "Screens" });
    await visible(nav);
    expect(await nav.getByRole("link").allTextContents()).toEqual(["Payments"]);
    await visible(page.getByText("store (read-only)"));
    expect(await page.evaluate(() => localStorage.length === 0 || !Object.values(localStorage).some((v) => v.includes("demo-key")))).toBe(true);
    await page.getByRole("button", { name: "Sign out" }).click();
    await visible(page.getByLabel("Operator token or store API key"));
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // The operations screens are an operator's.
    await signIn(adminToken);
    for (const name of ["Needs attention", "Reconciliation", "Audit"]) {
      await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name }).click();
      await visible(page.getByRole("heading", { level: 1, name }));
    }
  });
});

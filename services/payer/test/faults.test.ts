import { freePort } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { newPayment } from "./support/payer-env.js";
import { account, authCodeEnding, firstRollsFire, orderNumber, terminal, usePayerEnv } from "./support/payer-env.js";

describe("payer: sandbox faults", () => {
  const env = usePayerEnv();

  it("errorRate: a 500 (nothing processed) is retried, queried first, then sent again and succeeds once", async () => {
    const run = await env.start({ sandbox: { random: firstRollsFire(1) } });
    await run.faults({ errorRate: 0.5 });
    const ref = await run.submit({ orderNumber: orderNumber("err"), authCode: authCodeEnding(0) });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("succeeded");
    expect(await run.charges(ref.orderNumber)).toBe(1);
    expect(await run.counter("payer_submissions_total", { outcome: "retryable" })).toBe(1);
    expect(await run.counter("payer_retries_total")).toBe(1);
    // The retry asked the gateway first (no attempt there), then resent.
    expect(await run.counter("payer_queries_total", { result: "answered" })).toBeGreaterThanOrEqual(1);
    expect(await run.store.sendCount(ref)).toBe(2);
  });

  it("timeout after the charge (short client time-out): ambiguous → query → succeeded, charged once", async () => {
    const run = await env.start({ sandbox: { random: firstRollsFire(1) }, timeouts: { payMs: 300 } });
    await run.faults({ timeoutRate: 0.5 });
    const ref = await run.submit({ orderNumber: orderNumber("to"), authCode: authCodeEnding(0) });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("succeeded");
    expect(payment.history.at(-1)?.source).toBe("query");
    expect(await run.counter("payer_submissions_total", { outcome: "ambiguous" })).toBe(1);
    expect(await run.store.sendCount(ref)).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("a pay call the gateway holds open is watched: a query settles the payment long before the call's deadline", async () => {
    // The first roll hangs the pay call after the charge; the watcher's queries are answered.
    const run = await env.start({ sandbox: { random: firstRollsFire(1) }, timeouts: { payMs: 4_000 }, payer: { payQueryAfterMs: 200 } });
    await run.faults({ timeoutRate: 0.5 });
    const ref = await run.submit({ orderNumber: orderNumber("hang"), authCode: authCodeEnding(0) });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"], 3_000);
    expect(payment.status).toBe("succeeded");
    expect(payment.history.at(-1)?.source).toBe("query");
    expect(await run.store.sendCount(ref)).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("connection reset after the charge: ambiguous → query → succeeded, charged once", async () => {
    const run = await env.start({ sandbox: { random: firstRollsFire(1) } });
    await run.faults({ resetAfterChargeRate: 0.5 });
    const ref = await run.submit({ orderNumber: orderNumber("rst"), authCode: authCodeEnding(3) });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("succeeded");
    expect(payment.history.at(-1)?.source).toBe("query");
    expect(await run.store.sendCount(ref)).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("badSignatureRate=1: an unverifiable answer is never believed; the query's truth is adopted", async () => {
    const run = await env.start();
    await run.faults({ badSignatureRate: 1 });
    const ok = await run.submit({ orderNumber: orderNumber("sig"), authCode: authCodeEnding(1) });
    const declined = await run.submit({ orderNumber: orderNumber("sig8"), authCode: authCodeEnding(8) });
    expect((await run.waitForStatus(ok, ["succeeded", "failed", "needs_review"])).status).toBe("succeeded");
    expect((await run.waitForStatus(declined, ["succeeded", "failed", "needs_review"])).status).toBe("failed");
    expect(await run.counter("payer_submissions_total", { outcome: "ambiguous" })).toBe(2);
    expect(await run.charges(ok.orderNumber)).toBe(1);
    expect(await run.charges(declined.orderNumber)).toBe(0);
  });

  it("latencyMs: slow answers within the deadline are simply waited for", async () => {
    const run = await env.start();
    await run.faults({ latencyMs: 250 });
    const started = Date.now();
    const ref = await run.submit({ orderNumber: orderNumber("lat"), authCode: authCodeEnding(2) });
    expect((await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"])).status).toBe("succeeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await run.counter("payer_submissions_total", { outcome: "succeeded" })).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("duplicate order (20061): the order already succeeded at the gateway → query → succeeded, still one charge", async () => {
    const run = await env.start();
    const number = orderNumber("dup");
    const authCode = authCodeEnding(0);
    // The same order number went through the gateway once before (e.g. a previous payer run).
    const first = await run.client.pay({
      credentials: { account, terminal, secureCode: "12345678" },
      noticeUrl: "http://127.0.0.1:9/notice",
      orderNumber: number,
      currency: "USD",
      amount: "12.50",
      billing: { firstName: "Demo", lastName: "Store", email: "pos@demo-store.example" },
      items: newPayment({ orderNumber: number }).items!.map((i) => ({ ...i, sku: i.sku ?? "" })),
      scan: { mode: "merchant_scans", paymentCode: authCode },
    });
    expect(first.kind).toBe("succeeded");
    const ref = await run.submit({ orderNumber: number, authCode });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("succeeded");
    expect(payment.paymentId).toBe(first.kind === "succeeded" ? first.paymentId : "");
    expect(await run.counter("payer_submissions_total", { outcome: "duplicate_order" })).toBe(1);
    expect(await run.charges(number)).toBe(1);
  });

  it("the query host unreachable for the whole settlement window: needs_review with a reason, an event and a metric — never failed on a guess", async () => {
    const closedPort = await freePort();
    const windowMs = 1_000;
    const run = await env.start({
      sandbox: { random: firstRollsFire(1) },
      timeouts: { payMs: 200 },
      queryUrl: `http://127.0.0.1:${closedPort}`,
      payer: { submitJobOptions: { attempts: 3, backoff: { type: "fixed", delay: 20 } }, unsettledReviewAfterMs: windowMs, outageBackoff: { initialMs: 50, maxMs: 200 } },
    });
    await run.faults({ timeoutRate: 0.5 });
    const ref = await run.submit({ orderNumber: orderNumber("nr"), authCode: authCodeEnding(0) });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("needs_review");
    expect(payment.history.at(-1)?.reason).toMatch(/^outcome unknown \d+ s after the submit began \(settlement window 1 s\): gateway_retryable: query: request not sent/);
    const began = Date.parse(payment.history.find((h) => h.status === "submitting")?.at ?? "");
    expect(Date.parse(payment.updatedAt) - began).toBeGreaterThanOrEqual(windowMs);
    // The refused queries used none of the three attempts: many more were made.
    expect(await run.counter("payer_queries_total", { result: "retryable" })).toBeGreaterThan(3);
    expect(await run.counter("payments_needs_review_total", { reason: "unsettled" })).toBe(1);
    expect(await run.store.sendCount(ref)).toBe(1); // never resent without a query proving it safe
    expect(await run.charges(ref.orderNumber)).toBe(1); // the charge was taken: a person must look
    const events = await env.redis.client().xrange(`{${env.redis.prefix}}:events`, "-", "+");
    expect(events.map(([, fields]) => fields[1])).toContain("payment.needs_review");
  });
});

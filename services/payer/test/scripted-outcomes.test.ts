import { waitFor } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { authCodeEnding, orderNumber, usePayerEnv } from "./support/payer-env.js";

describe("payer: sandbox scripted outcomes", () => {
  const env = usePayerEnv();

  it.each([0, 1, 2, 3, 4, 5, 6])("payment code ending in %i succeeds at once, charged exactly once", async (digit) => {
    const run = await env.start();
    const ref = await run.submit({ orderNumber: orderNumber(`d${digit}`), authCode: authCodeEnding(digit) });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("succeeded");
    expect(payment.paymentId).toMatch(/^\d+$/);
    expect(payment.gateway).toEqual({ code: "80000", message: "Transaction Approved" });
    expect(payment.history.map((h) => `${h.status}/${h.source}`)).toEqual(["accepted/intake", "submitting/payer", "succeeded/payer"]);
    expect(await run.charges(ref.orderNumber)).toBe(1);
    expect(await run.counter("payer_submissions_total", { outcome: "succeeded" })).toBe(1);
    expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
  });

  it("code ending in 7 answers pending, then settles by QUERY (no notice reaches anyone)", async () => {
    const run = await env.start({ sandbox: { pendingMs: 150 } });
    const ref = await run.submit({ orderNumber: orderNumber("d7"), authCode: authCodeEnding(7) });
    const pending = await run.waitForStatus(ref, ["pending", "succeeded"]);
    expect(pending.history.map((h) => h.status)).toContain("pending");
    const payment = await run.waitForStatus(ref, ["succeeded", "failed"]);
    expect(payment.status).toBe("succeeded");
    expect(payment.history.at(-1)).toMatchObject({ status: "succeeded", source: "query", code: "80000" });
    expect(await run.charges(ref.orderNumber)).toBe(1);
    expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
  });

  it("code ending in 8 is declined: failed, nothing charged", async () => {
    const run = await env.start();
    const ref = await run.submit({ orderNumber: orderNumber("d8"), authCode: authCodeEnding(8) });
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("failed");
    expect(payment.gateway?.code).toBe("10000");
    expect(await run.charges(ref.orderNumber)).toBe(0);
  });

  it("code ending in 9 stays pending and stays scheduled for reconciliation", async () => {
    const run = await env.start();
    const ref = await run.submit({ orderNumber: orderNumber("d9"), authCode: authCodeEnding(9) });
    await run.waitForStatus(ref, ["pending"]);
    // Several reconciliation queries later it is still pending and still scheduled.
    const before = await run.counter("payer_queries_total", { result: "answered" });
    await waitFor(async () => (await run.counter("payer_queries_total", { result: "answered" })) >= before + 3, {
      timeoutMs: 3_000,
      message: "three reconciliation queries",
    });
    expect((await run.store.get(ref))?.status).toBe("pending");
    expect(await run.payer.schedule.dueAt(ref)).toBeGreaterThan(0);
    expect(await run.charges(ref.orderNumber)).toBe(0);
  });

  it("customer_scan: awaiting_customer with barCode and qrCode, then the customer pays and a query settles it", async () => {
    const run = await env.start();
    const ref = await run.submit({ orderNumber: orderNumber("cs"), mode: "customer_scan" });
    const awaiting = await run.waitForStatus(ref, ["awaiting_customer", "failed", "needs_review"]);
    expect(awaiting.status).toBe("awaiting_customer");
    // The QR content is exactly what the gateway sent: a bare 28-digit code, as in the published sample.
    expect(awaiting.barCode).toMatch(/^\d{28}$/);
    expect(awaiting.qrCode).toBe(`/v1/payments/${ref.orderNumber}/qr.svg`);
    expect(await run.charges(ref.orderNumber)).toBe(0);
    await run.scan(ref.orderNumber, "succeeded");
    const paid = await run.waitForStatus(ref, ["succeeded", "failed"]);
    expect(paid.status).toBe("succeeded");
    expect(paid.history.at(-1)?.source).toBe("query");
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });
});

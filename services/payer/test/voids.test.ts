import { describe, expect, it } from "vitest";
import { authCodeEnding, orderNumber, usePayerEnv } from "./support/payer-env.js";

describe("payer: voids and QR expiry", () => {
  const env = usePayerEnv();

  async function ledgerStatus(sandboxUrl: string, number: string): Promise<string> {
    const res = await fetch(`${sandboxUrl}/sandbox/ledger/${number}`);
    return ((await res.json()) as { status: string }).status;
  }

  it("voids an unpaid customer_scan payment: voided here and at the gateway, nothing charged", async () => {
    const run = await env.start({ payer: { reconcileIntervalsMs: [60_000] } });
    const ref = await run.submit({ orderNumber: orderNumber("v"), mode: "customer_scan" });
    await run.waitForStatus(ref, ["awaiting_customer"]);
    await run.requestVoid(ref);
    const payment = await run.waitForStatus(ref, ["voided", "succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("voided");
    expect(payment.history.at(-1)).toMatchObject({ status: "voided", source: "void", code: "80102" });
    expect(await ledgerStatus(run.sandboxUrl, ref.orderNumber)).toBe("voided");
    expect(await run.charges(ref.orderNumber)).toBe(0);
    expect(await run.counter("payer_voids_total", { outcome: "voided" })).toBe(1);
    expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
  });

  it("voids a pending merchant scan (code ending in 9)", async () => {
    const run = await env.start({ payer: { reconcileIntervalsMs: [60_000] } });
    const ref = await run.submit({ orderNumber: orderNumber("vp"), authCode: authCodeEnding(9) });
    await run.waitForStatus(ref, ["pending"]);
    await run.requestVoid(ref);
    expect((await run.waitForStatus(ref, ["voided", "succeeded", "failed"])).status).toBe("voided");
    expect(await run.charges(ref.orderNumber)).toBe(0);
  });

  it("a void racing the customer's payment leaves it succeeded, with the reason in history", async () => {
    const run = await env.start({ payer: { reconcileIntervalsMs: [60_000] } });
    const ref = await run.submit({ orderNumber: orderNumber("vr"), mode: "customer_scan" });
    await run.waitForStatus(ref, ["awaiting_customer"]);
    await run.scan(ref.orderNumber, "succeeded"); // paid; no notice and no query has told us yet
    expect((await run.store.get(ref))?.status).toBe("awaiting_customer");
    await run.requestVoid(ref);
    const payment = await run.waitForStatus(ref, ["voided", "succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("succeeded");
    expect(payment.history.at(-1)).toMatchObject({ status: "succeeded", source: "void", reason: "void raced a success" });
    expect(payment.paymentId).toMatch(/^\d+$/);
    expect(await run.counter("payer_voids_total", { outcome: "raced_success" })).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("an unpaid QR past QR_EXPIRY_MS is voided by the reconciler", async () => {
    const run = await env.start({ payer: { qrExpiryMs: 300 } });
    const ref = await run.submit({ orderNumber: orderNumber("exp"), mode: "customer_scan" });
    const awaiting = await run.waitForStatus(ref, ["awaiting_customer"]);
    const payment = await run.waitForStatus(ref, ["voided", "succeeded", "failed"], 5_000);
    expect(payment.status).toBe("voided");
    const shownAt = Date.parse(awaiting.history.at(-1)?.at ?? "");
    expect(Date.parse(payment.updatedAt) - shownAt).toBeGreaterThanOrEqual(300);
    expect(await ledgerStatus(run.sandboxUrl, ref.orderNumber)).toBe("voided");
    expect(await run.charges(ref.orderNumber)).toBe(0);
  });
});

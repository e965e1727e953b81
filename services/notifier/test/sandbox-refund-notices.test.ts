import type { AddressInfo } from "node:net";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { RefundStore } from "@oceanpos/core/refunds";
import { buildSandbox, type Sandbox } from "@oceanpos/sandbox";
import { useRedis, waitFor } from "@oceanpos/testing";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { account, secureCode, startNotifier, stores, submittingPayment, terminal } from "./helpers.js";

const redis = useRedis();
let notifier: Notifier | undefined;
let sandbox: Sandbox | undefined;
let client: OceanpaymentClient | undefined;

afterEach(async () => {
  await client?.close();
  await sandbox?.close();
  await notifier?.close();
  notifier = undefined;
  sandbox = undefined;
  client = undefined;
});

const url = (app: { server: { address(): unknown } }) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

describe("refund notices from the sandbox", () => {
  it("the emulator's own signed refund notice (its own sign-string table) moves the pending refund to succeeded", async () => {
    notifier = await startNotifier(redis);
    await notifier.app.listen({ port: 0, host: "127.0.0.1" });
    sandbox = buildSandbox({ credentials: stores, refundMs: 20, noticeRetryDelaysMs: [0, 100, 500] });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    const gateway = url(sandbox.app);
    client = new OceanpaymentClient({ gatewayUrl: gateway, queryUrl: gateway });
    const credentials = { account, terminal, secureCode };
    const ref = { account, orderNumber: "SBX1" };

    // A charge taken at the sandbox (a WeChat code ending in 0 is approved at once), recorded as ours.
    await submittingPayment(notifier.payments, "SBX1");
    const paid = await client.pay({
      credentials, noticeUrl: `${url(notifier.app)}/oceanpayment/notice`, orderNumber: "SBX1", currency: "USD", amount: "12.50",
      billing: { firstName: "a", lastName: "b", email: "a@b.cd" }, items: [{ name: "Dress", sku: "1", price: "12.50", quantity: 1 }],
      scan: { mode: "merchant_scans", paymentCode: "130000000000000000" },
    });
    if (paid.kind !== "succeeded") throw new Error(`sandbox did not approve the payment: ${paid.kind}`);
    await notifier.payments.transition(ref, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: paid.paymentId } });

    // The refund filed while the balance is short, so that it is pending here before its notice can come.
    const balance = (sufficient: boolean) => request(`${gateway}/sandbox/balance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sufficient }) }).then((r) => r.body.dump());
    await balance(false);
    const refunds = new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix });
    const refundRef = { ...ref, refundNumber: "R-1" };
    const now = new Date().toISOString();
    await refunds.create({
      ...refundRef, requestHash: "r",
      refund: { refundNumber: "R-1", orderNumber: "SBX1", storeId: "store-a", amount: "5.00", currency: "USD", status: "accepted", version: 1, createdAt: now, updatedAt: now, history: [{ status: "accepted", at: now, source: "intake" }] },
    });
    await refunds.transition(refundRef, { to: "submitting", source: "payer" });
    const filed = await client.refund({ credentials, paymentId: paid.paymentId, refundNumber: "R-1", refundType: "partial", amount: "5.00" });
    if (filed.kind !== "accepted") throw new Error(`sandbox did not file the refund: ${filed.kind}`);
    await refunds.transition(refundRef, { to: "pending", source: "payer", set: { refundId: filed.refundId } });
    await balance(true);

    const settled = await waitFor(async () => {
      const r = await refunds.get(refundRef);
      return r?.status === "succeeded" && r;
    }, { timeoutMs: 15_000, message: "the sandbox's refund notice settles the refund" });
    expect(settled).toMatchObject({ refundId: filed.refundId, gateway: { code: "80000" } });
    expect(settled.history.at(-1)).toMatchObject({ status: "succeeded", source: "notice" });
    expect((await notifier.payments.get(ref))?.refundedAmount).toBe("5.00");
  });
});

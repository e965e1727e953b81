import type { AddressInfo } from "node:net";
import type { PaymentRef, PaymentStatus } from "@oceanpos/core/payments";
import { type Sandbox, buildSandbox } from "@oceanpos/sandbox";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, account, apiKeys, bearer, operatorTokens, startLedger, testConfig, testStores } from "./harness.js";
import { orphanCharge } from "./support.js";

describe("operators' query and resolve on the ledger (the contract's Ledger routes)", () => {
  const db = usePostgres();
  const redis = useRedis();
  let sandbox: Sandbox;
  let sandboxUrl: string;
  let ledger: Ledger;
  let payments: Payments;

  beforeEach(async () => {
    sandbox = buildSandbox({ credentials: testStores(), pendingMs: 60_000, noticeRetryDelaysMs: [0] });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    sandboxUrl = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    ledger = await startLedger(testConfig(db, redis, { OCEANPAYMENT_QUERY_URL: sandboxUrl, OCEANPAYMENT_GATEWAY_URL: sandboxUrl }));
    await db.pool().query("TRUNCATE events, payments, refunds, audit");
    payments = new Payments(redis.client(), redis.prefix);
  });
  afterEach(async () => {
    await ledger.close();
    await sandbox.close();
  });

  /** A payment of store-a held here in `path`'s last status, which the gateway charged (or, `charged: false`, knows nothing of). */
  async function payment(path: PaymentStatus[], charged = true): Promise<PaymentRef> {
    const created = await payments.pay({ path });
    if (charged) await orphanCharge(sandboxUrl, { orderNumber: created.orderNumber });
    return { account, orderNumber: created.orderNumber };
  }
  const post = (url: string, token: string, body?: object) => ledger.app.inject({ method: "POST", url, headers: bearer(token), ...(body ? { payload: body } : {}) });

  it("answers 401 without a token and 403 to a store key or a role without the right", async () => {
    const ref = await payment(["submitting", "needs_review"]);
    const body = { status: "failed", reason: "customer left" };
    for (const path of [`/v1/payments/${ref.orderNumber}/resolve`, `/v1/payments/${ref.orderNumber}/query`, `/v1/payments/${ref.orderNumber}/refunds/R-1/resolve`]) {
      expect((await ledger.app.inject({ method: "POST", url: path, payload: body })).statusCode, path).toBe(401);
      for (const token of [apiKeys.a, operatorTokens.finance]) {
        const res = await post(path, token, body);
        expect([res.statusCode, res.json().error.code], `${path} ${token}`).toEqual([403, "forbidden"]);
      }
    }
    expect((await post(`/v1/payments/${ref.orderNumber}/resolve`, operatorTokens.finance, body)).json().error.message).toBe("operator fay (role finance) may not do payments.resolve");
    expect((await payments.store.get(ref))?.status).toBe("needs_review");
  });

  it("resolve: 409 for a payment not in needs_review; in review, the gateway's answer wins and the resolve is in the audit log", async () => {
    const pending = await payment(["submitting", "pending"], false);
    const early = await post(`/v1/payments/${pending.orderNumber}/resolve`, operatorTokens.support, { status: "failed", reason: "x" });
    expect([early.statusCode, early.json().error.code]).toEqual([409, "invalid_state"]);
    expect(early.json().error.message).toBe(`payment ${pending.orderNumber} is pending; only a needs_review payment can be resolved`);
    const missing = await post(`/v1/payments/NOSUCH1/resolve`, operatorTokens.support, { status: "failed", reason: "x" });
    expect(missing.statusCode).toBe(404);
    const noRefund = await post(`/v1/payments/${pending.orderNumber}/refunds/R-none/resolve`, operatorTokens.support, { status: "failed", reason: "x" });
    expect([noRefund.statusCode, noRefund.json().error.code]).toEqual([404, "not_found"]);
    const unknownStore = await post(`/v1/payments/${pending.orderNumber}/resolve?storeId=nope`, operatorTokens.support, { status: "failed", reason: "x" });
    expect(unknownStore.json().error.issues).toEqual([{ path: "storeId", message: "is not a configured store" }]);
    const bad = await post(`/v1/payments/${pending.orderNumber}/resolve`, operatorTokens.support, { status: "voided", reason: "" });
    expect(bad.json().error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["reason", "status"]);

    const ref = await payment(["submitting", "needs_review"]);
    const res = await post(`/v1/payments/${ref.orderNumber}/resolve`, operatorTokens.support, { status: "failed", reason: "till says cancelled" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().resolution).toEqual({ decidedBy: "gateway", gateway: "succeeded", voided: false, message: "till says cancelled (resolved as failed; the gateway's answer, succeeded, wins)" });
    expect(res.json().payment).toMatchObject({ status: "succeeded", history: expect.arrayContaining([expect.objectContaining({ source: "operator", operator: "sam" })]) });
    const audited = await waitFor(
      async () => {
        const page = await ledger.app.inject({ method: "GET", url: "/v1/audit", headers: bearer(operatorTokens.admin) });
        const entries = page.json().data as { action: string; operator: string; target: string; reason?: string }[];
        return entries.find((e) => e.action === "payment.resolve");
      },
      { timeoutMs: 10_000, message: "the resolve to reach the ledger's audit log" },
    );
    expect(audited).toMatchObject({ operator: "sam", role: "support", target: `payment:store-a:${ref.orderNumber}`, reason: "till says cancelled" });
  });

  it("query asks the gateway now and records its answer", async () => {
    const ref = await payment(["submitting", "pending"]);
    const res = await post(`/v1/payments/${ref.orderNumber}/query`, operatorTokens.support);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ orderNumber: ref.orderNumber, status: "succeeded", gateway: { code: "80000" } });
    expect(res.json().history.at(-1)).toMatchObject({ status: "succeeded", source: "query" });
  });
});

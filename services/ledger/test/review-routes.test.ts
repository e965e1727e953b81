import type { AddressInfo } from "node:net";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import type { PaymentRef, PaymentStatus } from "@oceanpos/core/payments";
import { type Sandbox, buildSandbox } from "@oceanpos/sandbox";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, account, apiKeys, bearer, operatorTokens, startLedger, testConfig, testStores } from "./harness.js";

/** A WeChat payment code (18 digits starting 13) whose last digit scripts the sandbox's answer. */
const authCodeEnding = (digit: number) => `13${String(Math.floor(Math.random() * 1e15)).padStart(15, "0")}${digit}`;

describe("operators' query and resolve on the ledger (the contract's Ledger routes)", () => {
  const db = usePostgres();
  const redis = useRedis();
  let sandbox: Sandbox;
  let client: OceanpaymentClient;
  let ledger: Ledger;
  let payments: Payments;

  beforeEach(async () => {
    sandbox = buildSandbox({ credentials: testStores(), pendingMs: 60_000, noticeRetryDelaysMs: [0] });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    client = new OceanpaymentClient({ gatewayUrl: url, queryUrl: url });
    ledger = await startLedger(testConfig(db, redis, { OCEANPAYMENT_QUERY_URL: url, OCEANPAYMENT_GATEWAY_URL: url }));
    await db.pool().query("TRUNCATE events, payments, refunds, audit");
    payments = new Payments(redis.client(), redis.prefix);
  });
  afterEach(async () => {
    await ledger.close();
    await client.close();
    await sandbox.close();
  });

  /** A payment of store-a the gateway charged (digit 0) or holds open (7), held here in `path`'s last status. */
  async function payment(path: PaymentStatus[], digit = 0): Promise<PaymentRef> {
    const created = await payments.pay({ path });
    const outcome = await client.pay({
      credentials: { account, terminal: `${account}01`, secureCode: "12345678" },
      noticeUrl: "http://127.0.0.1:9/notice",
      orderNumber: created.orderNumber,
      currency: "USD",
      amount: "12.50",
      billing: { firstName: "T", lastName: "Store", email: "pos@store.example" },
      items: [{ name: "Red Dress", sku: "#001", price: "12.50", quantity: 1 }],
      scan: { mode: "merchant_scans", paymentCode: authCodeEnding(digit) },
    });
    expect(outcome.kind).toBe(digit === 0 ? "succeeded" : "pending");
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
    const pending = await payment(["submitting", "pending"], 7);
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

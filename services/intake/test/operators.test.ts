import type { AddressInfo } from "node:net";
import { type AuditEntry, auditEntryOf } from "@oceanpos/core/audit";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import type { Payment, PaymentRef } from "@oceanpos/core/payments";
import { RefundStore } from "@oceanpos/core/refunds";
import { type Sandbox, buildSandbox } from "@oceanpos/sandbox";
import { useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, account, adminToken, auth, operatorTokens, orderNumber, startHarness, testStores, unusedGateway } from "./harness.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const terminal = `${account}01`;

/** A WeChat payment code (18 digits starting 13) whose last digit scripts the sandbox's answer. */
const authCodeEnding = (digit: number) => `13${String(Math.floor(Math.random() * 1e15)).padStart(15, "0")}${digit}`;

describe("operators on the intake: roles, query, resolve, audit", () => {
  const redis = useRedis();
  let sandbox: Sandbox;
  let client: OceanpaymentClient;
  let h: Harness;
  beforeEach(async () => {
    sandbox = buildSandbox({ credentials: testStores(), pendingMs: 60_000, noticeRetryDelaysMs: [0] });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    client = new OceanpaymentClient({ gatewayUrl: url, queryUrl: url });
    h = await startHarness(redis, { client });
  });
  afterEach(async () => {
    await h.close();
    await client.close();
    await sandbox.close();
  });

  /** Asks the sandbox to charge (or hold, or decline) the order as the payer would have sent it. */
  async function payAtGateway(number: string, digit: number): Promise<void> {
    const outcome = await client.pay({
      credentials: { account, terminal, secureCode: "12345678" },
      noticeUrl: "http://127.0.0.1:9/notice",
      orderNumber: number,
      currency: "USD",
      amount: "12.50",
      billing: { firstName: "T", lastName: "Store", email: "pos@store.example" },
      items: [{ name: "Red Dress", sku: "#001", price: "12.50", quantity: 1 }],
      scan: { mode: "merchant_scans", paymentCode: authCodeEnding(digit) },
    });
    expect(outcome.kind).toBe(digit === 0 ? "succeeded" : digit === 8 ? "failed" : "pending");
  }

  /** A payment of store-a moved through `submitting` to `to` (default needs_review), with what the gateway holds set up first. */
  async function paymentIn(to: Payment["status"] = "needs_review", gatewayDigit?: number): Promise<PaymentRef> {
    const number = orderNumber();
    if (gatewayDigit !== undefined) await payAtGateway(number, gatewayDigit);
    const now = new Date().toISOString();
    const payment: Payment = {
      orderNumber: number, storeId: "store-a", mode: "merchant_scan", method: "WeChatPay_Offline", amount: "12.50", currency: "USD",
      status: "accepted", version: 1, createdAt: now, updatedAt: now, history: [{ status: "accepted", at: now, source: "intake" }],
    };
    const ref = { account, orderNumber: number };
    await h.payments.create({ ...ref, payment, requestHash: "h" });
    await h.payments.transition(ref, { to: "submitting", source: "payer" });
    if (to !== "submitting") await h.payments.transition(ref, { to, source: "payer", reason: "set up by the test" });
    return ref;
  }

  async function auditEntries(): Promise<AuditEntry[]> {
    const entries = await h.redis.xrange(h.keys.audit, "-", "+");
    return entries.map(([id, fields]) => auditEntryOf(id, fields) as AuditEntry);
  }

  const resolve = (ref: PaymentRef, body: unknown, token: string = operatorTokens.support) =>
    h.app.inject({ method: "POST", url: `/v1/payments/${ref.orderNumber}/resolve`, headers: bearer(token), payload: body as object });

  it("answers 401 to an unknown token and 403 to a store key or a role without the right", async () => {
    const ref = await paymentIn();
    const url = `/v1/payments/${ref.orderNumber}/resolve`;
    const body = { status: "failed", reason: "customer left" };
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [bearer("not-a-token"), 401],
      [auth(), 403],
      [bearer(operatorTokens.finance), 403],
    ];
    for (const [headers, status] of cases) {
      for (const path of [url, `/v1/payments/${ref.orderNumber}/query`]) {
        const res = await h.app.inject({ method: "POST", url: path, headers, payload: body });
        expect(res.statusCode, `${path} ${JSON.stringify(headers)}`).toBe(status);
        expect(res.json().error.code).toBe(status === 401 ? "unauthorized" : "forbidden");
      }
    }
    const finance = await resolve(ref, body, operatorTokens.finance);
    expect(finance.json().error.message).toBe("operator fay (role finance) may not do payments.resolve");
    // Finance reads refunds but may not make one; a store-key-only route refuses every operator.
    expect((await h.app.inject({ method: "GET", url: `/v1/payments/${ref.orderNumber}/refunds`, headers: bearer(operatorTokens.finance) })).statusCode).toBe(200);
    const refund = await h.app.inject({ method: "POST", url: `/v1/payments/${ref.orderNumber}/refunds`, headers: bearer(operatorTokens.finance), payload: { refundNumber: "R1", amount: "1.00" } });
    expect(refund.statusCode).toBe(403);
    expect((await h.app.inject({ method: "GET", url: `/v1/payments/${ref.orderNumber}`, headers: bearer(operatorTokens.admin) })).statusCode).toBe(403);
    expect(await auditEntries()).toEqual([]);
  });

  it("query asks the gateway now, records its answer and audits the call", async () => {
    const ref = await paymentIn("pending", 0);
    const res = await h.app.inject({ method: "POST", url: `/v1/payments/${ref.orderNumber}/query`, headers: bearer(operatorTokens.support) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ orderNumber: ref.orderNumber, status: "succeeded", gateway: { code: "80000" } });
    expect(res.json().history.at(-1)).toMatchObject({ status: "succeeded", source: "query" });
    expect(await auditEntries()).toEqual([
      expect.objectContaining({ operator: "sam", role: "support", action: "payment.query", target: `payment:store-a:${ref.orderNumber}`, details: { gateway: "succeeded" } }),
    ]);
    // Asked again: nothing new to record, but the call is still accounted for.
    const again = await h.app.inject({ method: "POST", url: `/v1/payments/${ref.orderNumber}/query`, headers: bearer(adminToken) });
    expect([again.statusCode, again.json().version]).toEqual([200, res.json().version]);
    expect((await auditEntries()).map((e) => [e.operator, e.role])).toEqual([["sam", "support"], ["admin", "admin"]]);
  });

  it("resolve: the gateway's settled answer wins over the operator's, and the operator is told", async () => {
    const ref = await paymentIn("needs_review", 0);
    const res = await resolve(ref, { status: "failed", reason: "till says cancelled" });
    expect(res.statusCode).toBe(200);
    const { payment, resolution } = res.json();
    expect(payment.status).toBe("succeeded");
    expect(resolution).toMatchObject({ decidedBy: "gateway", gateway: "succeeded", voided: false });
    expect(payment.history.at(-1)).toMatchObject({
      status: "succeeded",
      source: "operator",
      operator: "sam",
      code: "80000",
      reason: "till says cancelled (resolved as failed; the gateway's answer, succeeded, wins)",
    });
    const [entry] = await auditEntries();
    expect(entry).toMatchObject({
      operator: "sam",
      action: "payment.resolve",
      target: `payment:store-a:${ref.orderNumber}`,
      reason: "till says cancelled",
      details: { requested: "failed", gateway: "succeeded", decidedBy: "gateway", status: "succeeded" },
    });
    // The event of the move went out with it.
    const events = await h.redis.xrange(h.keys.events, "-", "+");
    expect(events.at(-1)?.[1]).toContain("payment.succeeded");
  });

  it("resolve to failed while the gateway holds the order open voids it there first", async () => {
    const ref = await paymentIn("needs_review", 9);
    const res = await resolve(ref, { status: "failed", reason: "customer walked away" });
    expect(res.statusCode).toBe(200);
    expect(res.json().resolution).toMatchObject({ decidedBy: "operator", gateway: "pending", voided: true });
    expect(res.json().payment.status).toBe("failed");
    expect(res.json().payment.history.at(-1)).toMatchObject({ source: "operator", operator: "sam", reason: "customer walked away (the gateway held the order open: voided there first)" });
    const ledger = (await (await fetch(`${sandboxUrl(sandbox)}/sandbox/ledger/${ref.orderNumber}`)).json()) as { status: string; charges: number };
    expect(ledger.status).toBe("voided");
    expect(ledger.charges).toBe(0);
  });

  it("resolve to succeeded is refused while the gateway shows no charge; to failed with no attempt it applies", async () => {
    const pending = await paymentIn("needs_review", 9);
    const refused = await resolve(pending, { status: "succeeded", reason: "customer showed a receipt" });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, "resolution_refused"]);
    const none = await paymentIn("needs_review");
    const applied = await resolve(none, { status: "failed", reason: "never paid" });
    expect(applied.json()).toMatchObject({ payment: { status: "failed" }, resolution: { decidedBy: "operator", gateway: "no_attempt" } });
    expect(applied.json().payment.history.at(-1).reason).toBe("never paid (the gateway holds no attempt: nothing was charged)");
  });

  it("resolve applies the decision when the gateway cannot be reached, and the history says so", async () => {
    await h.close();
    h = await startHarness(redis, { client: unusedGateway() });
    const ref = await paymentIn();
    const res = await resolve(ref, { status: "succeeded", reason: "bank statement shows it" }, operatorTokens.admin);
    expect(res.statusCode).toBe(200);
    expect(res.json().resolution).toMatchObject({ decidedBy: "operator", gateway: "unreachable" });
    const last = res.json().payment.history.at(-1);
    expect(last).toMatchObject({ status: "succeeded", source: "operator", operator: "ada" });
    expect(last.reason).toMatch(/^bank statement shows it \(the gateway could not be asked: query: .+\)$/);
    // The query without an answer changes nothing and says so.
    const other = await paymentIn("pending");
    const query = await h.app.inject({ method: "POST", url: `/v1/payments/${other.orderNumber}/query`, headers: bearer(operatorTokens.admin) });
    expect([query.statusCode, query.json().error.code]).toEqual([502, "gateway_unavailable"]);
    expect((await h.payments.get(other))?.status).toBe("pending");
  });

  it("resolve answers 409 for a payment not in needs_review, and 400 naming bad fields", async () => {
    const ref = await paymentIn("pending", 9);
    const res = await resolve(ref, { status: "failed", reason: "x" });
    expect([res.statusCode, res.json().error.code]).toEqual([409, "invalid_state"]);
    expect(res.json().error.message).toBe(`payment ${ref.orderNumber} is pending; only a needs_review payment can be resolved`);
    const bad = await resolve(ref, { status: "voided", reason: "", extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["extra", "reason", "status"]);
    expect(await auditEntries()).toEqual([]);
  });

  it("a refund made with an operator token is audited; a needs_review refund is resolved by hand, the history saying the gateway could not be asked", async () => {
    const ref = await paymentIn("succeeded");
    const made = await h.app.inject({
      method: "POST",
      url: `/v1/payments/${ref.orderNumber}/refunds`,
      headers: bearer(operatorTokens.support),
      payload: { refundNumber: "R-1", amount: "2.00", reason: "damaged" },
    });
    expect(made.statusCode).toBe(202);
    // A store's own refund is not an operator action.
    const own = await h.app.inject({ method: "POST", url: `/v1/payments/${ref.orderNumber}/refunds`, headers: auth(), payload: { refundNumber: "R-2", amount: "1.00" } });
    expect(own.statusCode).toBe(202);
    const refunds = new RefundStore({ redis: h.redis, keyPrefix: redis.prefix });
    const refundRef = { ...ref, refundNumber: "R-1" };
    await refunds.transition(refundRef, { to: "submitting", source: "payer" });
    const url = `/v1/payments/${ref.orderNumber}/refunds/R-1/resolve`;
    const early = await h.app.inject({ method: "POST", url, headers: bearer(operatorTokens.support), payload: { status: "failed", reason: "x" } });
    expect([early.statusCode, early.json().error.code]).toEqual([409, "invalid_state"]);
    await refunds.transition(refundRef, { to: "needs_review", source: "payer", reason: "set up by the test" });
    expect((await h.app.inject({ method: "POST", url, headers: bearer(operatorTokens.finance), payload: { status: "failed", reason: "x" } })).statusCode).toBe(403);
    const res = await h.app.inject({ method: "POST", url, headers: bearer(operatorTokens.support), payload: { status: "failed", reason: "bank returned it" } });
    expect(res.statusCode).toBe(200);
    expect(res.json().resolution).toMatchObject({ decidedBy: "operator", gateway: "unreachable" });
    expect(res.json().refund).toMatchObject({ status: "failed", refundNumber: "R-1" });
    // The payment was never charged at the gateway (no payment_id): nothing to ask its refunds by.
    expect(res.json().refund.history.at(-1)).toMatchObject({ source: "operator", operator: "sam", reason: expect.stringMatching(/^bank returned it \(the gateway could not be asked: payment .* has no payment_id/) });
    // Its amount is refundable again.
    expect((await h.payments.get(ref))?.refundableAmount).toBe("11.50");
    expect((await auditEntries()).map((e) => [e.action, e.target, e.reason])).toEqual([
      ["refund.create", `refund:store-a:${ref.orderNumber}:R-1`, "damaged"],
      ["refund.resolve", `refund:store-a:${ref.orderNumber}:R-1`, "bank returned it"],
    ]);
  });

  /** A payment charged at the gateway and succeeded here, with a refund of it set up in `needs_review`. */
  async function refundInReview(refundNumber: string, filedThere: boolean): Promise<{ ref: PaymentRef; url: string; refunds: RefundStore }> {
    const ref = await paymentIn("submitting");
    const credentials = { account, terminal, secureCode: "12345678" };
    const paid = await client.pay({
      credentials, noticeUrl: "http://127.0.0.1:9/notice", orderNumber: ref.orderNumber, currency: "USD", amount: "12.50",
      billing: { firstName: "T", lastName: "Store", email: "pos@store.example" }, items: [{ name: "Red Dress", sku: "#001", price: "12.50", quantity: 1 }],
      scan: { mode: "merchant_scans", paymentCode: authCodeEnding(0) },
    });
    if (paid.kind !== "succeeded") throw new Error(`pay: ${paid.kind}`);
    await h.payments.transition(ref, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: paid.paymentId } });
    const made = await h.app.inject({ method: "POST", url: `/v1/payments/${ref.orderNumber}/refunds`, headers: auth(), payload: { refundNumber, amount: "2.00" } });
    expect(made.statusCode).toBe(202);
    const refunds = new RefundStore({ redis: h.redis, keyPrefix: redis.prefix });
    const refundRef = { ...ref, refundNumber };
    await refunds.transition(refundRef, { to: "submitting", source: "payer" });
    if (filedThere) {
      const filed = await client.refund({ credentials, paymentId: paid.paymentId, refundNumber, refundType: "full", amount: "2.00" });
      if (filed.kind !== "accepted") throw new Error(`applyRefund: ${filed.kind}`);
      const asked = { refundId: filed.refundId, orderNumber: ref.orderNumber, paymentId: paid.paymentId, refundNumber, amount: "2.00", currency: "USD" };
      await waitFor(async () => {
        const answer = await client.queryRefund(credentials, asked);
        return answer.kind === "answered" && answer.result === "succeeded";
      }, { timeoutMs: 10_000, message: `the sandbox to pay out refund ${refundNumber}` });
    }
    // Its applyRefund answer lost: no refund_id here, so the payment's refundList is asked.
    await refunds.transition(refundRef, { to: "needs_review", source: "payer", reason: "set up by the test" });
    return { ref, url: `/v1/payments/${ref.orderNumber}/refunds/${refundNumber}/resolve`, refunds };
  }

  it("refund resolve asks the gateway first: its answer wins over the operator's, and the operator is told", async () => {
    const { ref, url } = await refundInReview("R-paid", true);
    const res = await h.app.inject({ method: "POST", url, headers: bearer(operatorTokens.support), payload: { status: "failed", reason: "customer says no money came" } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().resolution).toMatchObject({ decidedBy: "gateway", gateway: "succeeded", message: "customer says no money came (resolved as failed; the gateway's answer, succeeded, wins)" });
    expect(res.json().refund).toMatchObject({ status: "succeeded", refundId: expect.stringMatching(/^\d+$/), gateway: { code: "80000" } });
    expect(res.json().refund.history.at(-1)).toMatchObject({ status: "succeeded", source: "operator", operator: "sam" });
    expect((await h.payments.get(ref))?.refundedAmount).toBe("2.00");
    expect((await auditEntries()).at(-1)).toMatchObject({ action: "refund.resolve", details: { requested: "failed", gateway: "succeeded", decidedBy: "gateway", status: "succeeded" } });
  });

  it("refund resolve: a refund the gateway never filed cannot succeed by hand, and fails with the history saying so", async () => {
    const { url } = await refundInReview("R-lost", false);
    const refused = await h.app.inject({ method: "POST", url, headers: bearer(operatorTokens.support), payload: { status: "succeeded", reason: "looks paid" } });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, "resolution_refused"]);
    const res = await h.app.inject({ method: "POST", url, headers: bearer(operatorTokens.support), payload: { status: "failed", reason: "never went out" } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().resolution).toMatchObject({ decidedBy: "operator", gateway: "no_attempt" });
    expect(res.json().refund.history.at(-1)).toMatchObject({ status: "failed", source: "operator", reason: "never went out (the gateway holds no such refund: nothing was paid out)" });
  });
});

function sandboxUrl(sandbox: Sandbox): string {
  return `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
}

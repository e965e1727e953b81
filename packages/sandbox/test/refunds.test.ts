// Refunds over real HTTP: applyRefund files, the refund succeeds SANDBOX_REFUND_MS later (notice and
// queryRefund agree), an insufficient balance holds refunds until it is set back, a held refund can
// be failed, and what is left of a charge is never exceeded, also by concurrent applications.
// Answers are read with fast-xml-parser and signatures recomputed from the orders restated in
// test/support/protocol.ts, never with the sandbox's own code.
import { waitFor } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  elementNames,
  leaves,
  payFields,
  paymentInfos,
  postForm,
  queryFields,
  refundAnswerSignatureValid,
  refundFields,
  refundLists,
  refundNoticeSignatureValid,
  refundQueryFields,
  sendJson,
  wechatCode,
} from "./support/protocol.js";
import { startSandbox, useSandbox } from "./support/start-sandbox.js";

const refundMs = 200;
const running = useSandbox({ refundMs });

/** A succeeded payment of `amount` USD (code ending 0) whose notices go to the running.receiver. */
async function paid(orderNumber: string, amount = "10.00", currency = "USD") {
  const fields = payFields({ order_number: orderNumber, order_amount: amount, order_currency: currency, productPrice: amount, pay_accountNumber: wechatCode(0), noticeUrl: running.receiver.url });
  const doc = leaves((await postForm(`${running.base}/gateway/directservice/pay`, fields)).body);
  expect(doc.payment_status, JSON.stringify(doc)).toBe("1");
  await running.receiver.waitFor(orderNumber, 1);
  return doc.payment_id ?? "";
}
const refund = async (paymentId: string, amount: string, refundNumber: string, overrides: Record<string, string> = {}) =>
  leaves((await postForm(`${running.base}/service/applyRefund`, refundFields(paymentId, amount, refundNumber, overrides))).body);
const queryRefund = async (refundId: string) => leaves((await postForm(`${running.base}/service/queryRefund`, refundQueryFields(refundId))).body);
const ledgerOf = async (orderNumber: string) => (await sendJson(`${running.base}/sandbox/ledger/${orderNumber}`, "GET")).json as Record<string, unknown>;
const setBalance = async (sufficient: boolean) => (await sendJson(`${running.base}/sandbox/balance`, "POST", { sufficient })).json as Record<string, unknown>;

// Every test leaves the sandbox as it found it: balance sufficient and no refund still pending
// (a refund left pending would mature into the next test's balance setting).
afterEach(async () => {
  await setBalance(true);
  await waitFor(
    async () => ((await sendJson(`${running.base}/sandbox/ledger`, "GET")).json as { orders: Array<{ refunds: Array<{ status: string }> }> }).orders.every((o) => o.refunds.every((r) => r.status !== "pending")),
    { message: "every refund of the test settled" },
  );
});

describe("a refund is filed at once and succeeds SANDBOX_REFUND_MS later", () => {
  it("pending in queryRefund and the ledger, then a signed partialRefund notice and succeeded everywhere", async () => {
    const paymentId = await paid("RF-OK");
    const filedAt = Date.now();
    const filed = await refund(paymentId, "6", "RN-1");
    expect(filed).toMatchObject({ refund_results: "1", payment_id: paymentId, refund_number: "RN-1", refund_details: "80000:Transaction Approved" });
    const refundId = filed.refund_id ?? "";
    expect(refundId).toMatch(/^\d{21}$/);
    expect(refundId).not.toBe(paymentId);

    const pending = await queryRefund(refundId);
    expect(pending).toMatchObject({
      refund_id: refundId,
      refund_number: "RN-1",
      payment_id: paymentId,
      order_number: "RF-OK",
      refund_amount: "6.00",
      refund_currency: "USD",
      refund_type: "2",
      refund_status: "-1",
      refund_details: "",
      refund_debitTime: "",
    });
    expect(pending.signValue).toMatch(/^[0-9A-F]{64}$/);
    expect(refundAnswerSignatureValid(pending)).toBe(true);
    expect(await ledgerOf("RF-OK")).toMatchObject({
      charged: "10.00",
      refunded: "0.00",
      refundPending: "6.00",
      refunds: [{ refundId, refundNumber: "RN-1", paymentId, amount: "6.00", status: "pending", held: false }],
    });

    const [notice] = await running.receiver.waitForRefund(refundId, 1);
    expect((notice?.at ?? 0) - filedAt).toBeGreaterThanOrEqual(refundMs - 10);
    expect(elementNames(notice?.body ?? "", ["response"])).toEqual([
      "account", "terminal", "signValue", "payment_dateTime", "payment_debitTime", "push_dateTime", "order_number", "order_currency", "order_amount",
      "order_notes", "card_type", "card_country", "payment_id", "refund_number", "refund_reference", "notice_type", "push_status", "push_details",
      "push_id", "payment_cpdTime",
    ]);
    expect(notice?.fields).toMatchObject({
      order_number: "RF-OK",
      order_currency: "USD",
      order_amount: "10.00",
      payment_id: paymentId,
      refund_number: "RN-1",
      notice_type: "partialRefund",
      push_status: "1",
      push_details: "80000:Transaction Approved",
      push_id: refundId,
    });
    expect(notice?.fields.push_dateTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(refundNoticeSignatureValid(notice?.fields ?? {})).toBe(true);

    const done = await queryRefund(refundId);
    expect(done).toMatchObject({ refund_status: "1", refund_details: "80000:Transaction Approved" });
    expect(done.refund_debitTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(refundAnswerSignatureValid(done)).toBe(true);
    expect(await ledgerOf("RF-OK")).toMatchObject({ charged: "10.00", refunded: "6.00", refundPending: "0.00", refunds: [{ status: "succeeded" }] });

    // The payment's own query shows it too (for a client that got no refund_id back).
    const body = (await postForm(`${running.base}/service/check/normal`, queryFields(["RF-OK"]))).body;
    expect(paymentInfos(body)[0]).toMatchObject({ payment_id: paymentId, refund_status: "1" });
    expect(refundLists(body)[0]).toEqual([
      expect.objectContaining({ refund_id: refundId, refund_number: "RN-1", refund_amount: "6.00", refund_status: "1", refund_details: "80000:Transaction Approved" }),
    ]);
  });

  it("a refund of the whole charge is notice_type refund, whatever its refund_type", async () => {
    const paymentId = await paid("RF-FULL", "7.50");
    const filed = await refund(paymentId, "7.50", "RN-FULL", { refund_type: "1" });
    const [notice] = await running.receiver.waitForRefund(filed.refund_id ?? "", 1);
    expect(notice?.fields).toMatchObject({ notice_type: "refund", push_status: "1" });
    expect((await queryRefund(filed.refund_id ?? "")).refund_type).toBe("1");
  });

  it("a refund without refund_number (Oceanpayment's own example sends none) is filed", async () => {
    const paymentId = await paid("RF-NONUM");
    const filed = await refund(paymentId, "1.00", "");
    expect(filed).toMatchObject({ refund_results: "1", refund_number: "" });
    expect((await queryRefund(filed.refund_id ?? "")).refund_number).toBe("");
  });
});

describe("merchant balance", () => {
  it("insufficient: every new refund is held pending with no notice; set back, each succeeds SANDBOX_REFUND_MS later with its notice", async () => {
    const paymentId = await paid("RF-HOLD");
    expect(await setBalance(false)).toMatchObject({ sufficient: false, held: 0 });
    const first = (await refund(paymentId, "2.00", "RN-H1")).refund_id ?? "";
    const second = (await refund(paymentId, "3.00", "RN-H2")).refund_id ?? "";
    // Both matured into the hold (the ledger says so): no sleep, no guess.
    await waitFor(async () => ((await ledgerOf("RF-HOLD")).refunds as Array<{ held: boolean }>).every((r) => r.held), { message: "refunds held" });
    expect((await sendJson(`${running.base}/sandbox/balance`, "GET")).json).toEqual({ sufficient: false, held: 2 });
    expect(await queryRefund(first)).toMatchObject({ refund_status: "-1", refund_details: "" });
    expect(running.receiver.refundNotices(first)).toHaveLength(0);
    expect(await ledgerOf("RF-HOLD")).toMatchObject({ refunded: "0.00", refundPending: "5.00" });

    const releasedAt = Date.now();
    expect(await setBalance(true)).toEqual({ sufficient: true, held: 0, released: 2 });
    for (const refundId of [first, second]) {
      const [notice] = await running.receiver.waitForRefund(refundId, 1);
      expect(notice?.fields.push_status).toBe("1");
      expect((notice?.at ?? 0) - releasedAt).toBeGreaterThanOrEqual(refundMs - 10);
      expect((await queryRefund(refundId)).refund_status).toBe("1");
    }
    expect(await ledgerOf("RF-HOLD")).toMatchObject({ refunded: "5.00", refundPending: "0.00" });
  });

  it("a held refund failed by hand: a push_status 0 notice, queryRefund 0, and its amount is free again", async () => {
    const paymentId = await paid("RF-FAIL");
    await setBalance(false);
    const refundId = (await refund(paymentId, "10.00", "RN-F")).refund_id ?? "";
    await waitFor(async () => ((await ledgerOf("RF-FAIL")).refunds as Array<{ held: boolean }>)[0]?.held, { message: "refund held" });
    // Nothing is left to refund while it is pending.
    expect((await refund(paymentId, "0.01", "RN-F2")).refund_details).toBe("20081:Refund exceeds the captured amount");

    const failed = await sendJson(`${running.base}/sandbox/refunds/${refundId}/fail`, "POST");
    expect(failed).toMatchObject({ status: 200, json: { refundId, status: "failed", held: false, details: "80103:Refund failed: insufficient balance" } });
    const [notice] = await running.receiver.waitForRefund(refundId, 1);
    expect(notice?.fields).toMatchObject({ notice_type: "refund", push_status: "0", push_details: "80103:Refund failed: insufficient balance" });
    expect(refundNoticeSignatureValid(notice?.fields ?? {})).toBe(true);
    expect(await queryRefund(refundId)).toMatchObject({ refund_status: "0", refund_details: "80103:Refund failed: insufficient balance" });
    expect(await ledgerOf("RF-FAIL")).toMatchObject({ refunded: "0.00", refundPending: "0.00", refunds: [{ status: "failed" }] });

    expect((await sendJson(`${running.base}/sandbox/refunds/${refundId}/fail`, "POST")).status).toBe(409);
    expect((await sendJson(`${running.base}/sandbox/refunds/999/fail`, "POST")).status).toBe(404);
    // Set back, the held set is empty: the failed refund is never paid out.
    expect(await setBalance(true)).toMatchObject({ released: 0 });
    expect((await refund(paymentId, "10.00", "RN-F3")).refund_results).toBe("1");
  });

  it("refuses a balance body that is not exactly {sufficient: boolean}", async () => {
    for (const body of [{}, { sufficient: "false" }, { sufficient: false, extra: 1 }]) {
      expect((await sendJson(`${running.base}/sandbox/balance`, "POST", body)).status).toBe(400);
    }
  });
});

describe("what is left of the charge", () => {
  it("counts pending and succeeded refunds; refuses beyond it with 20081", async () => {
    const paymentId = await paid("RF-LEFT");
    expect((await refund(paymentId, "6.00", "RN-L1")).refund_results).toBe("1");
    expect(await refund(paymentId, "4.01", "RN-L2")).toMatchObject({ refund_results: "0", refund_id: "", refund_details: "20081:Refund exceeds the captured amount" });
    expect((await refund(paymentId, "4.00", "RN-L3")).refund_results).toBe("1");
    expect((await refund(paymentId, "0.01", "RN-L4")).refund_results).toBe("0");
    await waitFor(async () => (await ledgerOf("RF-LEFT")).refunded === "10.00", { message: "both refunds succeeded" });
    expect(await ledgerOf("RF-LEFT")).toMatchObject({ charged: "10.00", refunded: "10.00", refunds: [{ amount: "6.00" }, { amount: "4.00" }] });
  });

  it("concurrent applications never exceed the charge; the same refund_number twice is two refunds (no idempotency at the gateway)", async () => {
    const paymentId = await paid("RF-RACE", "12.50");
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => refund(paymentId, "1.00", i < 2 ? "RN-SAME" : `RN-${i}`)));
    const filed = answers.filter((a) => a.refund_results === "1");
    expect(filed).toHaveLength(12);
    expect(answers.filter((a) => a.refund_details === "20081:Refund exceeds the captured amount")).toHaveLength(18);
    await waitFor(async () => (await ledgerOf("RF-RACE")).refunded === "12.00", { message: "every filed refund succeeded" });
    const ledger = await ledgerOf("RF-RACE");
    expect(ledger).toMatchObject({ charged: "12.50", refunded: "12.00", refundPending: "0.00" });
    expect((ledger.refunds as Array<{ refundNumber: string }>).filter((r) => r.refundNumber === "RN-SAME")).toHaveLength(2);
  });

  it("a payment that did not succeed has nothing to refund", async () => {
    const fields = payFields({ order_number: "RF-OPEN", pay_accountNumber: wechatCode(9) });
    const open = leaves((await postForm(`${running.base}/gateway/directservice/pay`, fields)).body);
    expect(open.payment_status).toBe("-1");
    expect((await refund(open.payment_id ?? "", "1.00", "RN-O")).refund_details).toBe("20081:Refund exceeds the captured amount");
  });
});

describe("refused applications", () => {
  it.each([
    ["refund_type 3", "RF-BAD-1", { refund_type: "3" }],
    ["a zero amount", "RF-BAD-2", { refund_amount: "0.00" }],
    ["three decimals", "RF-BAD-3", { refund_amount: "1.005" }],
    ["a refund_number with a comma", "RF-BAD-4", { refund_number: "R,1" }],
    ["no payment_id", "RF-BAD-5", { payment_id: "" }],
  ])("%s: 20079", async (_name, orderNumber, overrides) => {
    const paymentId = await paid(orderNumber);
    expect(await refund(paymentId, "1.00", "RN-B", overrides)).toMatchObject({ refund_results: "0", refund_id: "", refund_details: "20079:Invalid refund field" });
  });

  it("decimals the payment's currency does not have: 20079", async () => {
    const paymentId = await paid("RF-JPY", "1200", "JPY");
    expect((await refund(paymentId, "0.50", "RN-J")).refund_details).toBe("20079:Invalid refund field");
    expect((await refund(paymentId, "200", "RN-J2")).refund_results).toBe("1");
    expect(await ledgerOf("RF-JPY")).toMatchObject({ currency: "JPY", charged: "1200", refunds: [{ amount: "200" }] });
  });

  it("an unknown payment_id: 20080", async () => {
    expect((await refund("999", "1.00", "RN-U")).refund_details).toBe("20080:Unknown payment_id");
  });
});

describe("the published request vectors (Postman: account 995378, terminal 99537801) reach the refund rules", () => {
  it("applyRefund and queryRefund verify the published strings: unknown ids, not wrong signatures", async () => {
    const postman = await startSandbox({ credentials: (t) => (t === "99537801" ? "12345678" : undefined) });
    try {
      const base = { account: "995378", terminal: "99537801" };
      const apply = { ...base, payment_id: "231220170723834010513", refund_type: "1", refund_amount: "0.1", refund_description: "ProductDamage" };
      const applied = leaves((await postForm(`${postman.base}/service/applyRefund`, { ...apply, signValue: "c719beb74b87d4f200a1c9c42aa87d3ecdab6b78aa9f2f4f9a126b16cb1d4a91" })).body);
      expect(applied).toMatchObject({ refund_results: "0", refund_details: "20080:Unknown payment_id" });
      const query = { ...base, refund_id: "0", signValue: "9aa2eb3fbba5ae6cc151f7d7500c77033cd4ca1d6b92a0fb3ed14cb63e02b226" };
      expect(leaves((await postForm(`${postman.base}/service/queryRefund`, query)).body)).toEqual({ query_status: "0", query_details: "20082:Unknown refund_id" });
    } finally {
      await postman.sandbox.close();
    }
  });
});

describe("queryRefund refusals", () => {
  it("an unknown refund_id (20082), no refund_id (20079) and a wrong signature (20013): unsigned query refusals", async () => {
    expect(await queryRefund("123")).toEqual({ query_status: "0", query_details: "20082:Unknown refund_id" });
    expect(leaves((await postForm(`${running.base}/service/queryRefund`, refundQueryFields(""))).body).query_details).toBe("20079:Invalid refund field");
    const paymentId = await paid("RF-QSIG");
    const refundId = (await refund(paymentId, "1.00", "RN-Q")).refund_id ?? "";
    const forged = { ...refundQueryFields(refundId), signValue: "0".repeat(64) };
    expect(leaves((await postForm(`${running.base}/service/queryRefund`, forged)).body).query_details).toBe("20013:Incorrect sign value");
  });
});

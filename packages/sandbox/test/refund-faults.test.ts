// Every fault of the contract on refunds: transport faults on applyRefund (a time-out or reset comes
// after the refund was filed) and queryRefund, notice faults on refund notices. random() is 0, so a
// rate > 0 always fires.
import { waitFor } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  leaves,
  payFields,
  postForm,
  refundAnswerSignatureValid,
  refundFields,
  refundNoticeSignatureValid,
  refundQueryFields,
  resultSignatureValid,
  sendJson,
  wechatCode,
} from "./support/protocol.js";
import { useSandbox } from "./support/start-sandbox.js";

const refundMs = 50;
const running = useSandbox({ refundMs });

async function paid(orderNumber: string) {
  const fields = payFields({ order_number: orderNumber, order_amount: "10.00", productPrice: "10.00", pay_accountNumber: wechatCode(0), noticeUrl: running.receiver.url });
  const doc = leaves((await postForm(`${running.base}/gateway/directservice/pay`, fields)).body);
  await running.receiver.waitFor(orderNumber, 1);
  return doc.payment_id ?? "";
}
const applyUrl = () => `${running.base}/service/applyRefund`;
const refund = async (paymentId: string, amount: string, refundNumber: string) => leaves((await postForm(applyUrl(), refundFields(paymentId, amount, refundNumber))).body);
const queryRefund = (refundId: string, options: { headersTimeout?: number } = {}) => postForm(`${running.base}/service/queryRefund`, refundQueryFields(refundId), options);
type LedgerRefund = { refundId: string; refundNumber: string; status: string };
const refundsOf = async (orderNumber: string) => ((await sendJson(`${running.base}/sandbox/ledger/${orderNumber}`, "GET")).json as { refunds: LedgerRefund[] }).refunds;
const setFaults = async (body: unknown) => expect((await sendJson(`${running.base}/sandbox/faults`, "POST", body)).status).toBe(200);

afterEach(async () => {
  await sendJson(`${running.base}/sandbox/faults`, "DELETE");
  await running.sandbox.notices.idle();
});

describe("transport faults on applyRefund", () => {
  it("errorRate: 500 before processing, nothing filed", async () => {
    const paymentId = await paid("RFX-500");
    await setFaults({ errorRate: 1 });
    expect((await postForm(applyUrl(), refundFields(paymentId, "1.00", "RN-500"))).status).toBe(500);
    expect(await refundsOf("RFX-500")).toEqual([]);
  });

  it("timeoutRate: the refund is filed (and later paid out), the answer never comes", async () => {
    const paymentId = await paid("RFX-TIME");
    await setFaults({ timeoutRate: 1 });
    await expect(postForm(applyUrl(), refundFields(paymentId, "1.00", "RN-TIME"), { headersTimeout: 300 })).rejects.toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
    const [filed] = await refundsOf("RFX-TIME");
    expect(filed).toMatchObject({ refundNumber: "RN-TIME" });
    await running.receiver.waitForRefund(filed?.refundId ?? "", 1);
  });

  it("resetAfterChargeRate: the refund is filed, the connection reset", async () => {
    const paymentId = await paid("RFX-RESET");
    await setFaults({ resetAfterChargeRate: 1 });
    await expect(postForm(applyUrl(), refundFields(paymentId, "1.00", "RN-RESET"))).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    expect(await refundsOf("RFX-RESET")).toMatchObject([{ refundNumber: "RN-RESET" }]);
  });

  it("latencyMs delays the answer", async () => {
    const paymentId = await paid("RFX-SLOW");
    await setFaults({ latencyMs: 150 });
    const started = performance.now();
    expect((await refund(paymentId, "1.00", "RN-SLOW")).refund_results).toBe("1");
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});

describe("transport and signature faults on queryRefund", () => {
  it("errorRate answers 500, timeoutRate never answers, badSignatureRate corrupts the answer's signValue", async () => {
    const paymentId = await paid("RFX-Q");
    const refundId = (await refund(paymentId, "1.00", "RN-Q")).refund_id ?? "";
    expect(refundAnswerSignatureValid(leaves((await queryRefund(refundId)).body))).toBe(true);
    await setFaults({ errorRate: 1 });
    expect((await queryRefund(refundId)).status).toBe(500);
    await setFaults({ errorRate: 0, timeoutRate: 1 });
    await expect(queryRefund(refundId, { headersTimeout: 300 })).rejects.toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
    await setFaults({ timeoutRate: 0, badSignatureRate: 1 });
    const corrupted = leaves((await queryRefund(refundId)).body);
    expect(corrupted).toMatchObject({ refund_id: refundId });
    expect(corrupted.signValue).toMatch(/^[0-9A-F]{64}$/);
    expect(refundAnswerSignatureValid(corrupted)).toBe(false);
  });
});

describe("notice faults on refund notices", () => {
  it("noticeDrop: no refund notice, while queryRefund shows it succeeded", async () => {
    const paymentId = await paid("RFN-DROP");
    await setFaults({ noticeDrop: true });
    const refundId = (await refund(paymentId, "1.00", "RN-DROP")).refund_id ?? "";
    await waitFor(async () => leaves((await queryRefund(refundId)).body).refund_status === "1", { message: "refund succeeded" });
    await running.sandbox.notices.idle();
    expect(running.receiver.refundNotices(refundId)).toHaveLength(0);
  });

  it("noticeDuplicateRate: the refund notice arrives twice, identical", async () => {
    const paymentId = await paid("RFN-DUP");
    await setFaults({ noticeDuplicateRate: 1 });
    const refundId = (await refund(paymentId, "1.00", "RN-DUP")).refund_id ?? "";
    const notices = await running.receiver.waitForRefund(refundId, 2);
    await running.sandbox.notices.idle();
    expect(running.receiver.refundNotices(refundId)).toHaveLength(2);
    expect(notices[0]?.body).toBe(notices[1]?.body);
  });

  it("noticeDelayMs holds the refund notice back", async () => {
    const paymentId = await paid("RFN-DELAY");
    await setFaults({ noticeDelayMs: 300 });
    const filedAt = Date.now();
    const refundId = (await refund(paymentId, "1.00", "RN-DELAY")).refund_id ?? "";
    const [notice] = await running.receiver.waitForRefund(refundId, 1);
    expect((notice?.at ?? 0) - filedAt).toBeGreaterThanOrEqual(refundMs + 300 - 10);
  });

  it("badSignatureRate corrupts the refund notice's signValue", async () => {
    const paymentId = await paid("RFN-SIG");
    await setFaults({ badSignatureRate: 1 });
    const refundId = (await refund(paymentId, "1.00", "RN-SIG")).refund_id ?? "";
    const [notice] = await running.receiver.waitForRefund(refundId, 1);
    expect(notice?.fields).toMatchObject({ push_status: "1", push_id: refundId });
    expect(refundNoticeSignatureValid(notice?.fields ?? {})).toBe(false);
  });

  it("noticeReorder: after a refund's notice comes older news about the payment — its success notice, then the previous refund's notice", async () => {
    const paymentId = await paid("RFN-REORDER");
    await setFaults({ noticeReorder: true });
    const first = (await refund(paymentId, "1.00", "RN-R1")).refund_id ?? "";
    await running.receiver.waitForRefund(first, 1);
    const afterFirst = await running.receiver.waitFor("RFN-REORDER", 3);
    expect(afterFirst.slice(1).map((n) => [n.fields.notice_type, n.fields.push_id ?? n.fields.payment_status])).toEqual([
      ["partialRefund", first],
      ["transaction", "1"],
    ]);
    expect(resultSignatureValid(afterFirst[2]?.fields ?? {})).toBe(true);

    const second = (await refund(paymentId, "2.00", "RN-R2")).refund_id ?? "";
    const all = await running.receiver.waitFor("RFN-REORDER", 5);
    expect(all.slice(3).map((n) => [n.fields.notice_type, n.fields.push_id, n.fields.refund_number])).toEqual([
      ["partialRefund", second, "RN-R2"],
      ["partialRefund", first, "RN-R1"],
    ]);
    expect(all.slice(3).every((n) => refundNoticeSignatureValid(n.fields))).toBe(true);
  });
});

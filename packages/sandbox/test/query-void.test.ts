import { describe, expect, it } from "vitest";
import { leaves, payFields, paymentInfos, postForm, queryFields, refundFields, sendJson, sha256Sign, voidFields, wechatCode } from "./support/protocol.js";
import { useSandbox } from "./support/start-sandbox.js";

const running = useSandbox({ pendingMs: 60_000 });
const pay = async (fields: Record<string, string>) =>
  leaves((await postForm(`${running.base}/gateway/directservice/pay`, payFields(fields))).body);
const query = async (numbers: string[], overrides: Record<string, string> = {}) =>
  (await postForm(`${running.base}/service/check/normal`, queryFields(numbers, overrides))).body;
const voidOrder = async (orderNumber: string) => {
  const response = await postForm(`${running.base}/gateway/service/auth`, voidFields(orderNumber));
  expect(response.contentType).toBe("application/xml; charset=utf-8");
  return leaves(response.body);
};

describe("query", () => {
  it("lists every attempt newest first, for each order number in request order", async () => {
    const declined = await pay({ order_number: "Q1", pay_accountNumber: wechatCode(8) });
    const approved = await pay({ order_number: "Q1", pay_accountNumber: wechatCode(0) });
    const other = await pay({ order_number: "Q2", pay_accountNumber: wechatCode(9) });
    const infos = paymentInfos(await query(["Q1", "Q2", "QNONE"]));
    expect(infos.map((i) => [i.order_number, i.payment_id, i.payment_results])).toEqual([
      ["Q1", approved.payment_id, "1"],
      ["Q1", declined.payment_id, "0"],
      ["Q2", other.payment_id, "-1"],
      ["QNONE", "", ""],
    ]);
    expect(infos[0]).toMatchObject({ order_currency: "USD", order_amount: "12.50", payment_details: "80000:Transaction Approved" });
    expect(infos[0]?.payment_dateTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("refuses more than 100 order numbers and a wrong signature", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `M${i}`);
    expect(leaves(await query(many))).toMatchObject({ query_status: "0", query_details: "20076:Too many order numbers" });
    const body = await postForm(`${running.base}/service/check/normal`, { ...queryFields(["Q1"]), signValue: "0".repeat(64) });
    expect(leaves(body.body).query_details).toBe("20013:Incorrect sign value");
  });

  it("accepts exactly 100 order numbers", async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `H${i}`);
    expect(paymentInfos(await query(hundred))).toHaveLength(100);
  });
});

describe("void", () => {
  it("voids an awaiting customer_scan order: query reads 0/80102, a later scan is refused", async () => {
    const doc = await pay({ order_number: "V1", methods: "WeChatPay_Offline", noticeUrl: running.receiver.url });
    expect(doc.payment_status).toBe("-1");
    expect(await voidOrder("V1")).toMatchObject({ order_number: "V1", payment_authType: "3", void_status: "1", void_details: "80102:Order voided" });
    expect(paymentInfos(await query(["V1"]))[0]).toMatchObject({ payment_results: "0", payment_details: "80102:Order voided" });
    const [notice] = await running.receiver.waitFor("V1", 1);
    expect(notice?.fields).toMatchObject({ payment_status: "0", payment_details: "80102:Order voided" });
    const scan = await sendJson(`${running.base}/sandbox/scan`, "POST", { orderNumber: "V1", outcome: "succeeded" });
    expect(scan.status).toBe(409);
    expect((await sendJson(`${running.base}/sandbox/ledger/V1`, "GET")).json).toMatchObject({ charges: 0, status: "voided" });
    // A retried void (its first answer lost) still reads voided.
    expect((await voidOrder("V1")).void_status).toBe("1");
  });

  it("voids a pending merchant_scan order", async () => {
    await pay({ order_number: "V2", pay_accountNumber: wechatCode(9) });
    expect((await voidOrder("V2")).void_status).toBe("1");
  });

  it("refuses to void a paid order with 20070", async () => {
    await pay({ order_number: "V3", pay_accountNumber: wechatCode(0) });
    expect(await voidOrder("V3")).toMatchObject({ void_status: "0", void_details: "20070:Order already paid" });
    expect(paymentInfos(await query(["V3"]))[0]?.payment_results).toBe("1");
  });

  it("refuses an unknown order and a wrong payment_authType", async () => {
    expect((await voidOrder("VNONE")).void_details).toBe("20071:Order not found");
    const fields = { ...voidFields("V3"), payment_authType: "2" };
    const response = await postForm(`${running.base}/gateway/service/auth`, fields);
    expect(leaves(response.body).void_details).toBe("20013:Incorrect sign value");
  });
});

describe("refund", () => {
  it("accepts refunds up to the captured amount and refuses beyond it", async () => {
    const paid = await pay({ order_number: "R1", order_amount: "10.00", productPrice: "10.00", pay_accountNumber: wechatCode(0) });
    const refund = async (amount: string, n: string) =>
      leaves((await postForm(`${running.base}/service/applyRefund`, refundFields(paid.payment_id ?? "", amount, n))).body);
    const first = await refund("6.00", "RF1");
    expect(first).toMatchObject({ refund_results: "1", payment_id: paid.payment_id, refund_number: "RF1" });
    expect(first.refund_id).toMatch(/^\d+$/);
    expect(await refund("4.01", "RF2")).toMatchObject({ refund_results: "0", refund_details: "20081:Refund exceeds the captured amount" });
    expect((await refund("4.00", "RF3")).refund_results).toBe("1");
  });

  it("verifies the published sign string: a refund that also signs refund_number is refused with 20013", async () => {
    const paid = await pay({ order_number: "R2", order_amount: "10.00", productPrice: "10.00", pay_accountNumber: wechatCode(0) });
    const fields = refundFields(paid.payment_id ?? "", "1.00", "RF-OLD");
    const oldOrder = ["account", "terminal", "payment_id", "refund_number", "refund_type", "refund_amount", "refund_description"];
    const response = await postForm(`${running.base}/service/applyRefund`, { ...fields, signValue: sha256Sign(fields, oldOrder) });
    expect(leaves(response.body)).toMatchObject({ refund_results: "0", refund_details: "20013:Incorrect sign value" });
  });

  it("refuses an unknown payment_id", async () => {
    const response = await postForm(`${running.base}/service/applyRefund`, refundFields("999", "1.00", "RF9"));
    expect(leaves(response.body).refund_details).toBe("20080:Unknown payment_id");
  });
});

// The sandbox's documents against Oceanpayment's published samples (test/fixtures), read with
// fast-xml-parser directly: same elements, same order, and the values the samples show for the
// same situation (empty payment_details while pending, a bare 28-digit pay_barCode, one signed
// paymentInfo per attempt).
import { describe, expect, it } from "vitest";
import {
  account,
  elementNames,
  fixture,
  infoSignatureValid,
  leaves,
  payFields,
  paymentInfos,
  postForm,
  queryFields,
  resultSignatureValid,
  sendJson,
  terminal,
  wechatCode,
} from "./support/protocol.js";
import { useSandbox } from "./support/start-sandbox.js";

const running = useSandbox({ pendingMs: 60_000 });
const payBody = async (fields: Record<string, string>) =>
  (await postForm(`${running.base}/gateway/directservice/pay`, payFields({ noticeUrl: running.receiver.url, ...fields }))).body;
const queryBody = async (numbers: string[]) => (await postForm(`${running.base}/service/check/normal`, queryFields(numbers))).body;
const dateTime = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

describe("pay answer and notice: the face-to-face spec's document", () => {
  it("the customer-scan answer has the sample's elements in the sample's order, pending as in the sample", async () => {
    const body = await payBody({ order_number: "SHAPE-QR", methods: "WeChatPay_Offline" });
    expect(elementNames(body, ["response"])).toEqual(elementNames(fixture("face-to-face-pending-notice.xml"), ["response"]));
    const doc = leaves(body);
    expect(doc).toMatchObject({ notice_type: "transaction", account, terminal, payment_status: "-1", payment_details: "", payment_authType: "0" });
    expect(doc.push_dateTime).toMatch(dateTime);
    expect(doc.pay_barCode).toMatch(/^\d{28}$/);
    expect(doc.payment_id).toMatch(/^\d{21}$/);
    expect(doc.signValue).toMatch(/^[0-9A-F]{64}$/); // upper-case, as every published document
    expect(resultSignatureValid(doc)).toBe(true);
    expect(body).toContain("<card_country></card_country>"); // empty elements written as in the spec
  });

  it("the success notice has the sample's elements in the sample's order and the answer's bar code", async () => {
    const answer = leaves(await payBody({ order_number: "SHAPE-PAID", methods: "Alipay_Offline" }));
    expect((await sendJson(`${running.base}/sandbox/scan`, "POST", { orderNumber: "SHAPE-PAID", outcome: "succeeded" })).status).toBe(200);
    const [notice] = await running.receiver.waitFor("SHAPE-PAID", 1);
    expect(elementNames(notice?.body ?? "", ["response"])).toEqual(elementNames(fixture("face-to-face-success-notice.xml"), ["response"]));
    expect(notice?.fields).toMatchObject({
      notice_type: "transaction",
      payment_status: "1",
      payment_details: "80000:Transaction Approved",
      payment_id: answer.payment_id,
      pay_barCode: answer.pay_barCode,
      methods: "Alipay_Offline",
    });
    expect(notice?.fields.push_dateTime).toMatch(dateTime);
    expect(resultSignatureValid(notice?.fields ?? {})).toBe(true);
  });

  it("a merchant-scan answer has the same elements, with an empty pay_barCode", async () => {
    const body = await payBody({ order_number: "SHAPE-MS", pay_accountNumber: wechatCode(9) });
    expect(elementNames(body, ["response"])).toEqual(elementNames(fixture("face-to-face-success-notice.xml"), ["response"]));
    expect(leaves(body)).toMatchObject({ payment_status: "-1", payment_details: "", pay_barCode: "", methods: "WeChatPay_Offline" });
  });

  it("a refused request is the same document too, signed", async () => {
    const body = await payBody({ order_number: "SHAPE-REF", pay_accountNumber: wechatCode(0), order_amount: "0" });
    expect(elementNames(body, ["response"])).toEqual(elementNames(fixture("face-to-face-success-notice.xml"), ["response"]));
    const doc = leaves(body);
    expect(doc).toMatchObject({ payment_status: "0", payment_id: "", payment_details: "20021:Transaction amount is invalid", order_number: "SHAPE-REF" });
    expect(resultSignatureValid(doc)).toBe(true);
  });
});

describe("query answer: the published query-answer.xml", () => {
  it("holds only paymentInfo elements, each with the sample's elements in the sample's order", async () => {
    await payBody({ order_number: "SHAPE-Q", pay_accountNumber: wechatCode(8) });
    await payBody({ order_number: "SHAPE-Q", pay_accountNumber: wechatCode(0) });
    const body = await queryBody(["SHAPE-Q"]);
    expect(elementNames(body, ["response"])).toEqual(["paymentInfo", "paymentInfo"]);
    expect(elementNames(body, ["response", "paymentInfo"])).toEqual(elementNames(fixture("query-answer.xml"), ["response", "paymentInfo"]));
    expect(elementNames(body, ["response", "paymentInfo", "networkToken"])).toEqual(
      elementNames(fixture("query-answer.xml"), ["response", "paymentInfo", "networkToken"]),
    );
    expect(body).toContain("<order_sourceUrl />"); // empty elements written as in the sample
  });

  it("signs each attempt with its own account, terminal and signValue over the agreed string, newest first", async () => {
    const infos = paymentInfos(await queryBody(["SHAPE-Q"]));
    expect(infos.map((i) => [i.account, i.terminal, i.payment_results, i.payment_details])).toEqual([
      [account, terminal, "1", "80000:Transaction Approved"],
      [account, terminal, "0", "10000:Payment is declined"],
    ]);
    for (const info of infos) {
      expect(info.signValue).toMatch(/^[0-9A-F]{64}$/);
      expect(infoSignatureValid(info)).toBe(true);
      expect(info).toMatchObject({ order_number: "SHAPE-Q", order_currency: "USD", order_amount: "12.50", order_notes: "till 3", methods: "WeChatPay_Offline" });
      expect(info.payment_dateTime).toMatch(dateTime);
      expect(info.payment_debitTime).toMatch(dateTime);
      expect(info).toMatchObject({ auth_status: "0", refund_status: "0", chargeBack_status: "0", duplicate_status: "0", update_status: "0" });
    }
  });

  it("a pending attempt reads -1 with empty payment_details and no debit time", async () => {
    await payBody({ order_number: "SHAPE-P", methods: "WeChatPay_Offline" });
    const [info] = paymentInfos(await queryBody(["SHAPE-P"]));
    expect(info).toMatchObject({ payment_results: "-1", payment_details: "", payment_debitTime: "" });
    expect(info?.pay_barCode).toMatch(/^\d{28}$/);
    expect(infoSignatureValid(info ?? {})).toBe(true);
  });

  it("no attempt (assumed shape): one unsigned paymentInfo with the order number, account and terminal, all else empty", async () => {
    const body = await queryBody(["SHAPE-NONE"]);
    expect(elementNames(body, ["response", "paymentInfo"])).toEqual(elementNames(fixture("query-answer.xml"), ["response", "paymentInfo"]));
    const infos = paymentInfos(body);
    expect(infos).toHaveLength(1);
    const { order_number: orderNumber, account: acc, terminal: term, ...rest } = infos[0] ?? {};
    expect([orderNumber, acc, term]).toEqual(["SHAPE-NONE", account, terminal]);
    expect(Object.values(rest).every((value) => value === "")).toBe(true);
    expect(rest.signValue).toBe("");
  });
});

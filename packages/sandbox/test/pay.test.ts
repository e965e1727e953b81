import { describe, expect, it } from "vitest";
import {
  account,
  alipayCode,
  leaves,
  payFields,
  paymentInfos,
  postForm,
  queryFields,
  resultSignatureValid,
  sendJson,
  sha256Sign,
  terminal,
  wechatCode,
} from "./support/protocol.js";
import { useSandbox } from "./support/start-sandbox.js";

const running = useSandbox();
const pay = async (fields: Record<string, string>) => {
  const response = await postForm(`${running.base}/gateway/directservice/pay`, payFields(fields));
  expect(response.status).toBe(200);
  expect(response.contentType).toBe("application/xml; charset=utf-8");
  return leaves(response.body);
};
const ledgerOf = async (orderNumber: string) => (await sendJson(`${running.base}/sandbox/ledger/${orderNumber}`, "GET")).json as { charges: number; status: string; paymentIds: string[] };

describe("the independent test signer", () => {
  it("reproduces the pay-request vector of docs/oceanpayment-wire.md", () => {
    const fields = { account: "995149", terminal: "99514901", order_number: "NO12345678", order_currency: "USD", order_amount: "0.01", billing_firstName: "test", billing_lastName: "test", billing_email: "test@gmail.com" };
    expect(sha256Sign(fields, Object.keys(fields))).toBe("1207df556240d2c70c63f89d978a5dbfcaa3c9780c8c6bd36779bf526ca10342");
  });
});

describe("merchant_scan scripted outcomes", () => {
  it.each([0, 1, 2, 3, 4, 5, 6])("code ending in %i succeeds at once, signed, with a notice", async (digit) => {
    const doc = await pay({ order_number: `OK${digit}`, pay_accountNumber: wechatCode(digit), noticeUrl: running.receiver.url });
    expect(doc).toMatchObject({ payment_status: "1", payment_details: "80000:Transaction Approved", methods: "WeChatPay_Offline", order_number: `OK${digit}` });
    expect(doc.payment_id).toMatch(/^\d{21}$/);
    expect(resultSignatureValid(doc)).toBe(true);
    const [notice] = await running.receiver.waitFor(`OK${digit}`, 1);
    expect(notice?.fields).toMatchObject({ notice_type: "transaction", payment_status: "1", payment_id: doc.payment_id });
    expect(notice?.contentType).toMatch(/^application\/xml/);
    expect(resultSignatureValid(notice?.fields ?? {})).toBe(true);
    expect(await ledgerOf(`OK${digit}`)).toMatchObject({ charges: 1, status: "succeeded", paymentIds: [doc.payment_id] });
  });

  it("infers Alipay from an Alipay payment code", async () => {
    const doc = await pay({ pay_accountNumber: alipayCode(3) });
    expect(doc).toMatchObject({ payment_status: "1", methods: "Alipay_Offline" });
  });

  it("7 answers pending and succeeds pendingMs later by notice and in query; 9 stays pending", async () => {
    const seven = await pay({ order_number: "PEND7", pay_accountNumber: wechatCode(7), noticeUrl: running.receiver.url });
    const nine = await pay({ order_number: "PEND9", pay_accountNumber: wechatCode(9), noticeUrl: running.receiver.url });
    // A pending document has an empty payment_details, as in the face-to-face spec's pending sample.
    expect(seven).toMatchObject({ payment_status: "-1", payment_details: "" });
    expect(nine.payment_status).toBe("-1");
    const [notice] = await running.receiver.waitFor("PEND7", 1);
    expect(notice?.fields).toMatchObject({ payment_status: "1", payment_id: seven.payment_id });
    const query = await postForm(`${running.base}/service/check/normal`, queryFields(["PEND7", "PEND9"]));
    const infos = paymentInfos(query.body);
    expect(infos.map((i) => [i.order_number, i.payment_results])).toEqual([["PEND7", "1"], ["PEND9", "-1"]]);
    expect(running.receiver.forOrder("PEND9")).toHaveLength(0);
    expect(await ledgerOf("PEND9")).toMatchObject({ charges: 0, status: "pending" });
  });

  it("8 is declined with a risk code and charges nothing", async () => {
    const doc = await pay({ order_number: "DECL8", pay_accountNumber: wechatCode(8), noticeUrl: running.receiver.url });
    expect(doc).toMatchObject({ payment_status: "0", payment_details: "10000:Payment is declined" });
    expect(doc.payment_id).not.toBe("");
    const [notice] = await running.receiver.waitFor("DECL8", 1);
    expect(notice?.fields.payment_status).toBe("0");
    expect(await ledgerOf("DECL8")).toMatchObject({ charges: 0, status: "failed" });
  });

  it("gives every attempt its own payment_id", async () => {
    const ids = await Promise.all([0, 1, 2, 3, 4].map(async () => (await pay({ pay_accountNumber: wechatCode(8) })).payment_id));
    expect(new Set(ids).size).toBe(5);
  });
});

describe("customer_scan", () => {
  it.each(["WeChatPay_Offline", "Alipay_Offline"])("%s answers -1 with a bare 28-digit pay_barCode, unique per attempt", async (method) => {
    const doc = await pay({ order_number: `QR-${method}`, methods: method });
    expect(doc).toMatchObject({ payment_status: "-1", payment_details: "", methods: method });
    expect(doc.pay_barCode).toMatch(/^\d{28}$/);
    expect(resultSignatureValid(doc)).toBe(true);
    const again = await pay({ order_number: `QR-${method}`, methods: method });
    expect(again.pay_barCode).toMatch(/^\d{28}$/);
    expect(again.pay_barCode).not.toBe(doc.pay_barCode);
  });
});

describe("request validation: Oceanpayment's published codes", () => {
  it("answers 20013 Incorrect sign value to a wrong signValue, signed and echoing the order, without charging", async () => {
    const doc = await pay({ order_number: "BADSIG", pay_accountNumber: wechatCode(0), signValue: "0".repeat(64) });
    expect(doc).toMatchObject({ payment_status: "0", payment_id: "", payment_details: "20013:Incorrect sign value", order_number: "BADSIG", order_amount: "12.50" });
    expect(resultSignatureValid(doc)).toBe(true);
    expect((await sendJson(`${running.base}/sandbox/ledger/BADSIG`, "GET")).status).toBe(404);
  });

  it.each([
    ["missing account", { account: "" }, "20001:Account cannot be empty"],
    ["missing terminal", { terminal: "" }, "20002:Terminal cannot be empty"],
    ["missing signValue", { signValue: "" }, "20003:signValue cannot be empty"],
    ["unknown terminal", { terminal: "12345678" }, "20004:Account and terminal not match"],
    ["order_number empty", { order_number: "" }, "20017:Order number can not be empty"],
    ["order_number over 50 characters", { order_number: "N".repeat(51) }, "20018:Order number cannot exceed 50 digits"],
    ["amount empty", { order_amount: "" }, "20019:Order amount cannot be empty"],
    ["amount with 3 decimals", { order_amount: "1.005" }, "20020:Incorrect order amount format"],
    ["amount zero", { order_amount: "0.00" }, "20021:Transaction amount is invalid"],
    ["JPY with decimals", { order_currency: "JPY", order_amount: "12.50", productPrice: "12.50" }, "20021:Transaction amount is invalid"],
    ["currency empty", { order_currency: "" }, "20022:Order currency can not be empty"],
    ["currency not ISO 4217", { order_currency: "usd" }, "20023:Incorrect order currency"],
    ["noticeUrl over 500 characters", { noticeUrl: `http://x.test/${"a".repeat(500)}` }, "20025:Response URL can not exceed 500 digits"],
    ["first name over 50 characters", { billing_firstName: "a".repeat(51) }, "20045:First name exceeds length limit"],
    ["email not an address", { billing_email: "ada" }, "20050:Incorrect email address format"],
  ])("%s → %s", async (_name, override, expected) => {
    const doc = await pay({ pay_accountNumber: wechatCode(0), ...override });
    expect(doc).toMatchObject({ payment_status: "0", payment_id: "", payment_details: expected });
  });

  it.each([
    ["unknown method", { pay_accountNumber: "", methods: "Card" }, "20073"],
    ["payment code of no wallet", { pay_accountNumber: "163456789012345670" }, "20074"],
    ["products joined with ','", { productName: "A,B", productSku: "1,2", productPrice: "6.25,6.25", productNum: "1,1" }, "20075"],
    ["order number with a comma", { order_number: "A,B" }, "20077"],
  ])("%s → assumed code %s", async (_name, override, code) => {
    const doc = await pay({ pay_accountNumber: wechatCode(0), ...override });
    expect(doc.payment_status).toBe("0");
    expect(doc.payment_details?.split(":")[0]).toBe(code);
  });

  it("accepts products joined with ';' and whole-yen JPY amounts", async () => {
    const two = await pay({ pay_accountNumber: wechatCode(0), productName: "A;B", productSku: "1;2", productPrice: "6.25;6.25", productNum: "1;1" });
    expect(two.payment_status).toBe("1");
    const yen = await pay({ pay_accountNumber: wechatCode(0), order_currency: "JPY", order_amount: "1250", productPrice: "1250" });
    expect(yen).toMatchObject({ payment_status: "1", order_currency: "JPY", order_amount: "1250" });
  });
});

describe("billing: the gateway hashes the values it cleans", () => {
  it("a request signed over cleaned billing succeeds even when sent uncleaned", async () => {
    const sent = { account, terminal, noticeUrl: "", order_number: "BILL1", order_currency: "USD", order_amount: "1.00", methods: "", pay_accountNumber: wechatCode(0), billing_firstName: ' "Ada" ', billing_lastName: "<Lovelace>", billing_email: "ada@example.com" };
    const cleaned = { ...sent, billing_firstName: "Ada", billing_lastName: "Lovelace" };
    const response = await postForm(`${running.base}/gateway/directservice/pay`, { ...sent, signValue: sha256Sign(cleaned, ["account", "terminal", "order_number", "order_currency", "order_amount", "billing_firstName", "billing_lastName", "billing_email"]) });
    expect(leaves(response.body).payment_status).toBe("1");
  });

  it("a request signed over the uncleaned values is refused with 20013", async () => {
    const doc = await pay({ order_number: "BILL2", pay_accountNumber: wechatCode(0), billing_firstName: " Ada" });
    expect(doc.payment_details).toBe("20013:Incorrect sign value");
  });
});

describe("resubmission", () => {
  it("refuses a second success for the same order_number with 20061 and keeps one charge", async () => {
    const first = await pay({ order_number: "DUP1", pay_accountNumber: wechatCode(0) });
    expect(first.payment_status).toBe("1");
    const again = await pay({ order_number: "DUP1", pay_accountNumber: wechatCode(1) });
    expect(again).toMatchObject({ payment_status: "0", payment_details: "20061:Duplicate order", payment_id: "" });
    expect(await ledgerOf("DUP1")).toMatchObject({ charges: 1, status: "succeeded", paymentIds: [first.payment_id] });
  });

  it("lets an order retry after a decline", async () => {
    await pay({ order_number: "RETRY1", pay_accountNumber: wechatCode(8) });
    const second = await pay({ order_number: "RETRY1", pay_accountNumber: wechatCode(2) });
    expect(second.payment_status).toBe("1");
    expect(await ledgerOf("RETRY1")).toMatchObject({ charges: 1, status: "succeeded" });
  });

  it("closes a still-pending attempt as 20061 when a newer attempt succeeds", async () => {
    // Code 9 never matures by itself: only the policy can close this attempt.
    const pending = await pay({ order_number: "RACE1", pay_accountNumber: wechatCode(9), noticeUrl: running.receiver.url });
    const winner = await pay({ order_number: "RACE1", pay_accountNumber: wechatCode(0), noticeUrl: running.receiver.url });
    expect(winner.payment_status).toBe("1");
    const notices = await running.receiver.waitFor("RACE1", 2);
    const byId = Object.fromEntries(notices.map((n) => [n.fields.payment_id, n.fields.payment_details]));
    expect(byId).toEqual({ [winner.payment_id as string]: "80000:Transaction Approved", [pending.payment_id as string]: "20061:Duplicate order" });
    expect(await ledgerOf("RACE1")).toMatchObject({ charges: 1, status: "succeeded" });
    const infos = paymentInfos((await postForm(`${running.base}/service/check/normal`, queryFields(["RACE1"]))).body);
    expect(infos.map((i) => i.payment_results)).toEqual(["1", "0"]);
  });

  it("closes an awaiting QR when a merchant-scan attempt of the order succeeds: the QR can no longer be paid", async () => {
    await pay({ order_number: "RACE3", methods: "WeChatPay_Offline" });
    expect((await pay({ order_number: "RACE3", pay_accountNumber: wechatCode(0) })).payment_status).toBe("1");
    const scan = await sendJson(`${running.base}/sandbox/scan`, "POST", { orderNumber: "RACE3", outcome: "succeeded" });
    expect(scan.status).toBe(409);
    expect(await ledgerOf("RACE3")).toMatchObject({ charges: 1 });
  });

  it("grants only one success when two pending attempts of an order mature", async () => {
    await pay({ order_number: "RACE2", pay_accountNumber: wechatCode(7), noticeUrl: running.receiver.url });
    await pay({ order_number: "RACE2", pay_accountNumber: wechatCode(7), noticeUrl: running.receiver.url });
    const notices = await running.receiver.waitFor("RACE2", 2);
    expect(notices.map((n) => n.fields.payment_status).sort()).toEqual(["0", "1"]);
    expect(await ledgerOf("RACE2")).toMatchObject({ charges: 1 });
  });
});

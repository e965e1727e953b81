// QueryOrdersList and orphan charges over real HTTP, on a clock the test sets. Days are the
// gateway's (Asia/Shanghai, +08:00): the charges are placed where a UTC reading of the day would
// list them on the wrong one. Expected times are written out, never computed by the sandbox's code.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Fields,
  elementNames,
  fixture,
  infoSignatureValid,
  leaves,
  orderInfos,
  orders,
  ordersListFields,
  ordersListSignatureValid,
  payFields,
  paymentInfos,
  postForm,
  queryFields,
  secureCode,
  sendJson,
  sha256Sign,
  wechatCode,
} from "./support/protocol.js";
import { type RunningSandbox, startSandbox } from "./support/start-sandbox.js";

const otherTerminal = "99514902";
const otherCode = "87654321";
let clock = 0;
let running: RunningSandbox;

const at = (iso: string) => {
  clock = Date.parse(iso);
};
async function pay(orderNumber: string, digit: number, terminal?: string) {
  const fields: Fields = payFields({ order_number: orderNumber, pay_accountNumber: wechatCode(digit), ...(terminal ? { terminal } : {}) });
  if (terminal) fields.signValue = sha256Sign(fields, orders.payRequest, otherCode);
  return leaves((await postForm(`${running.base}/gateway/directservice/pay`, fields)).body);
}
const orphan = (body: Record<string, unknown>) => sendJson(`${running.base}/sandbox/orphan-charge`, "POST", body);
async function list(begin: string, end: string, overrides: Fields = {}, code = secureCode) {
  const response = await postForm(`${running.base}/service/QueryOrdersList`, ordersListFields(begin, end, overrides, code));
  return { status: response.status, body: response.body, header: leaves(response.body), lines: orderInfos(response.body) };
}
const day = (date: string) => [`${date} 00:00:00`, `${date} 23:59:59`] as const;

beforeAll(async () => {
  const codes: Record<string, string> = { "99514901": secureCode, [otherTerminal]: otherCode, "99537801": secureCode };
  running = await startSandbox({ now: () => clock, credentials: (t) => codes[t] });
  at("2024-05-26T23:30:00Z"); // 2024-05-27 07:30:00 in Shanghai, still the 26th in UTC
  await pay("OL-A", 0);
  at("2024-05-27T15:59:59Z"); // 2024-05-27 23:59:59
  await pay("OL-B", 0);
  await pay("OL-DECLINED", 8);
  await pay("OL-PENDING", 9);
  await pay("OL-OTHER", 0, otherTerminal);
  at("2024-05-27T16:00:00Z"); // 2024-05-28 00:00:00, still the 27th in UTC
  await pay("OL-C", 0);
  expect((await orphan({ orderNumber: "OL-ORPHAN", amount: "3.00", currency: "USD", at: "2024-05-27T10:00:00+08:00" })).status).toBe(201);
  at("2024-05-28T04:00:00Z"); // now: 2024-05-28 12:00:00; the last six months begin 2023-11-28 00:00:00
});
afterEach(async () => {
  await sendJson(`${running.base}/sandbox/faults`, "DELETE");
});
afterAll(async () => {
  await running.sandbox.close();
});

describe("QueryOrdersList", () => {
  it("lists a terminal's charges of one gateway day, newest first, in the published shape, signed", async () => {
    const { header, lines, body } = await list(...day("2024-05-27"));
    expect(header).toMatchObject({ account: "995149", terminal: "99514901", results: "00", details: "Success", count: "3", totalpages: "1", pages: "1" });
    expect(lines.map((l) => [l.order_number, l.payment_dateTime])).toEqual([
      ["OL-B", "2024-05-27 23:59:59"],
      ["OL-ORPHAN", "2024-05-27 10:00:00"],
      ["OL-A", "2024-05-27 07:30:00"],
    ]);
    expect(lines[0]).toMatchObject({ account: "995149", terminal: "99514901", order_currency: "USD", order_amount: "12.50", methods: "WeChatPay_Offline" });
    expect(lines[0]?.payment_id).toMatch(/^\d{21}$/);
    expect(header.signValue).toMatch(/^[0-9A-F]{64}$/);
    expect(ordersListSignatureValid(header)).toBe(true);

    const sample = fixture("query-orders-list-answer.xml");
    const withoutLines = (xml: string) => elementNames(xml, ["response"]).filter((name) => name !== "orderInfo");
    expect(withoutLines(body)).toEqual(withoutLines(sample));
    expect(elementNames(body, ["response", "orderInfo"])).toEqual(elementNames(sample, ["response", "orderInfo"]));
  });

  it("the next gateway day starts at 00:00:00 in its zone", async () => {
    const { header, lines } = await list(...day("2024-05-28"));
    expect(header.count).toBe("1");
    expect(lines.map((l) => [l.order_number, l.payment_dateTime])).toEqual([["OL-C", "2024-05-28 00:00:00"]]);
  });

  it("both ends are included, to the second", async () => {
    const { lines } = await list("2024-05-27 23:59:59", "2024-05-28 00:00:00");
    expect(lines.map((l) => l.order_number)).toEqual(["OL-C", "OL-B"]);
  });

  it("another terminal sees only its own charges", async () => {
    const { header, lines } = await list(...day("2024-05-27"), { terminal: otherTerminal }, otherCode);
    expect(header).toMatchObject({ terminal: otherTerminal, results: "00", count: "1" });
    expect(lines.map((l) => l.order_number)).toEqual(["OL-OTHER"]);
    expect(ordersListSignatureValid({ ...header, signValue: header.signValue ?? "" })).toBe(false); // signed with its own secureCode
    expect(header.signValue?.toLowerCase()).toBe(sha256Sign(header, orders.ordersListAnswer, otherCode));
  });

  it("pages of 100: count and totalpages cover the whole range, pages the one answered, every charge exactly once", async () => {
    for (let i = 0; i < 250; i += 1) {
      const time = `2024-05-20T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}+08:00`;
      expect((await orphan({ orderNumber: `OL-P${i}`, amount: "1.00", currency: "USD", at: time })).status).toBe(201);
    }
    const pages = [];
    for (const page of ["1", "2", "3", "4"]) pages.push(await list(...day("2024-05-20"), { pages: page }));
    expect(pages.map((p) => [p.header.count, p.header.totalpages, p.header.pages, p.lines.length])).toEqual([
      ["250", "3", "1", 100],
      ["250", "3", "2", 100],
      ["250", "3", "3", 50],
      ["250", "3", "4", 0],
    ]);
    const all = pages.flatMap((p) => p.lines);
    expect(new Set(all.map((l) => l.payment_id)).size).toBe(250);
    expect(all[0]?.order_number).toBe("OL-P249");
    expect(all.at(-1)?.order_number).toBe("OL-P0");
    expect(all.every((l, i) => i === 0 || (all[i - 1]?.payment_dateTime ?? "") >= (l.payment_dateTime ?? ""))).toBe(true);
    // No pages, an empty one and 0 are the first page.
    for (const overrides of [{}, { pages: "" }, { pages: "0" }] as Fields[]) expect((await list(...day("2024-05-20"), overrides)).header.pages).toBe("1");
  });

  it("reproduces the published request vector (Postman): answered, not refused for its signature", async () => {
    const published = { account: "995378", terminal: "99537801", order_beginDate: "2023-12-25 15:29:42", order_endDate: "2023-12-26 15:29:45" };
    const response = await postForm(`${running.base}/service/QueryOrdersList`, { ...published, signValue: "3bf8550e7773b414a35ac966e5855d8781c5264224dfdb9418f13ceefb79ebda" });
    expect(leaves(response.body)).toMatchObject({ account: "995378", terminal: "99537801", results: "00", count: "0", totalpages: "0", pages: "1" });
  });

  it.each([
    ["begin after end", "2024-05-27 10:00:00", "2024-05-27 09:59:59", {}, "20083", "Invalid order date range"],
    ["a date not in yyyy-mm-dd HH:mm:ss", "2024-5-27 00:00:00", "2024-05-27 23:59:59", {}, "20083", "Invalid order date range"],
    ["a day that does not exist", "2024-02-30 00:00:00", "2024-05-27 23:59:59", {}, "20083", "Invalid order date range"],
    ["a begin before the last six months", "2023-11-27 23:59:59", "2024-05-27 23:59:59", {}, "20084", "Only the last six months can be queried"],
    ["pages that is not a whole number", "2024-05-27 00:00:00", "2024-05-27 23:59:59", { pages: "x" }, "20085", "Invalid pages"],
    ["a negative page", "2024-05-27 00:00:00", "2024-05-27 23:59:59", { pages: "-1" }, "20085", "Invalid pages"],
  ])("refuses %s: unsigned, results %s, no lines", async (_name, begin, end, overrides, code, text) => {
    const { header, lines } = await list(begin, end, overrides);
    expect(header).toMatchObject({ signValue: "", results: code, details: text, count: "0", totalpages: "0" });
    expect(lines).toEqual([]);
  });

  it("accepts a begin exactly six months back and refuses a wrong signature with 20013", async () => {
    expect((await list("2023-11-28 00:00:00", "2024-05-28 12:00:00")).header.results).toBe("00");
    const forged = { ...ordersListFields(...day("2024-05-27")), signValue: "0".repeat(64) };
    const response = await postForm(`${running.base}/service/QueryOrdersList`, forged);
    expect(leaves(response.body)).toMatchObject({ results: "20013", details: "Incorrect sign value", count: "0" });
    expect(orderInfos(response.body)).toEqual([]);
  });

  it("faults: badSignatureRate corrupts the signValue, errorRate answers 500", async () => {
    await sendJson(`${running.base}/sandbox/faults`, "POST", { badSignatureRate: 1 });
    const corrupted = await list(...day("2024-05-27"));
    expect(corrupted.header.count).toBe("3");
    expect(ordersListSignatureValid(corrupted.header)).toBe(false);
    await sendJson(`${running.base}/sandbox/faults`, "POST", { badSignatureRate: 0, errorRate: 1 });
    expect((await list(...day("2024-05-27"))).status).toBe(500);
  });
});

describe("POST /sandbox/orphan-charge", () => {
  it("records a charge no request made: in the ledger, queryable like any charge, on the default terminal, now by default", async () => {
    const created = await orphan({ orderNumber: "OL-ORPHAN-NOW", amount: "1200", currency: "JPY", method: "Alipay_Offline" });
    expect(created).toMatchObject({
      status: 201,
      json: { orderNumber: "OL-ORPHAN-NOW", account: "995149", terminal: "99514901", amount: "1200", currency: "JPY", method: "Alipay_Offline", paymentDateTime: "2024-05-28 12:00:00" },
    });
    expect((await sendJson(`${running.base}/sandbox/ledger/OL-ORPHAN-NOW`, "GET")).json).toMatchObject({ charges: 1, status: "succeeded", charged: "1200", refunded: "0" });
    const [info] = paymentInfos((await postForm(`${running.base}/service/check/normal`, queryFields(["OL-ORPHAN-NOW"]))).body);
    expect(info).toMatchObject({ payment_results: "1", payment_details: "80000:Transaction Approved", payment_dateTime: "2024-05-28 12:00:00" });
    expect(infoSignatureValid(info ?? {})).toBe(true);
    expect((await list(...day("2024-05-28"))).lines.map((l) => l.order_number)).toEqual(["OL-ORPHAN-NOW", "OL-C"]);
  });

  it("on a named terminal; a second charge of the same order is refused with 409", async () => {
    expect((await orphan({ orderNumber: "OL-ORPHAN-2", amount: "2.00", currency: "USD", account: "995149", terminal: otherTerminal, at: "2024-05-27T01:00:00Z" })).status).toBe(201);
    expect((await list(...day("2024-05-27"), { terminal: otherTerminal }, otherCode)).lines.map((l) => l.order_number)).toEqual(["OL-OTHER", "OL-ORPHAN-2"]);
    expect(await orphan({ orderNumber: "OL-ORPHAN-2", amount: "2.00", currency: "USD", account: "995149", terminal: otherTerminal })).toMatchObject({
      status: 409,
      json: { error: { code: "already_charged" } },
    });
  });

  it("charges an order we hold as failed (what a status mismatch looks like)", async () => {
    at("2024-05-28T05:00:00Z");
    await pay("OL-WAS-DECLINED", 8);
    expect((await orphan({ orderNumber: "OL-WAS-DECLINED", amount: "12.50", currency: "USD" })).status).toBe(201);
    expect((await sendJson(`${running.base}/sandbox/ledger/OL-WAS-DECLINED`, "GET")).json).toMatchObject({ charges: 1, status: "succeeded", charged: "12.50" });
    const infos = paymentInfos((await postForm(`${running.base}/service/check/normal`, queryFields(["OL-WAS-DECLINED"]))).body);
    expect(infos.map((i) => i.payment_results)).toEqual(["1", "0"]);
  });

  it.each([
    ["a zero amount", { orderNumber: "OL-X", amount: "0", currency: "USD" }, "amount"],
    ["decimals JPY does not have", { orderNumber: "OL-X", amount: "1.50", currency: "JPY" }, "amount"],
    ["a lower-case currency", { orderNumber: "OL-X", amount: "1.00", currency: "usd" }, "currency"],
    ["a time without a zone", { orderNumber: "OL-X", amount: "1.00", currency: "USD", at: "2024-05-27 10:00:00" }, "at"],
    ["an order number with a comma", { orderNumber: "OL,X", amount: "1.00", currency: "USD" }, "orderNumber"],
    ["an account without a terminal", { orderNumber: "OL-X", amount: "1.00", currency: "USD", account: "995149" }, "terminal"],
    ["an unknown field", { orderNumber: "OL-X", amount: "1.00", currency: "USD", terminalId: "1" }, "terminalId"],
  ])("refuses %s with 400 naming the field", async (_name, body, path) => {
    const response = await orphan(body);
    expect(response).toMatchObject({ status: 400, json: { error: { code: "invalid_request", issues: [{ path }] } } });
    expect((await sendJson(`${running.base}/sandbox/ledger/OL-X`, "GET")).status).toBe(404);
  });

  it("refuses a terminal the sandbox does not know", async () => {
    const response = await orphan({ orderNumber: "OL-Y", amount: "1.00", currency: "USD", account: "995149", terminal: "99999999" });
    expect(response).toMatchObject({ status: 400, json: { error: { code: "unknown_terminal" } } });
  });
});

import { useRedis } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { account, startNotifier, submittingPayment } from "./helpers.js";
import { noticeFields, noticeXml, signNotice } from "./notice-fixtures.js";

const redis = useRedis();
let notifier: Notifier | undefined;

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
});

async function post(body: string | Buffer, contentType = "application/xml") {
  const res = await (notifier as Notifier).app.inject({
    method: "POST",
    url: "/oceanpayment/notice",
    headers: { "content-type": contentType },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain/);
  expect(res.body).toBe("receive-ok");
  return res;
}

async function metric(name: string, label: string): Promise<number> {
  const text = (await (notifier as Notifier).app.inject({ method: "GET", url: "/metrics" })).body;
  const m = new RegExp(`^${name}\\{${label}[^}]*\\} (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

async function status(orderNumber: string, acct = account) {
  return (await (notifier as Notifier).payments.get({ account: acct, orderNumber }))?.status;
}

describe("POST /oceanpayment/notice", () => {
  it("signature fixture matches the published vector rule (sanity check of the test helper)", () => {
    // sha256 over values in the paymentResult order + secureCode; an empty field adds nothing.
    const f = noticeFields({ order_number: "NO12345678" });
    expect(signNotice(f, "12345678")).toMatch(/^[0-9a-f]{64}$/);
    expect(signNotice(f, "12345678")).not.toBe(signNotice({ ...f, order_amount: "12.51" }, "12345678"));
  });

  it("moves a payment on a valid success notice, and duplicates change nothing", async () => {
    notifier = await startNotifier(redis);
    await submittingPayment(notifier.payments, "N1");
    const xml = noticeXml(noticeFields({ order_number: "N1", order_amount: "12.5" }));
    await post(xml);
    const payment = await notifier.payments.get({ account, orderNumber: "N1" });
    expect(payment).toMatchObject({
      status: "succeeded",
      version: 3,
      paymentId: "240506101548268260914",
      gateway: { code: "80000", message: "Transaction Approved" },
    });
    expect(payment?.history.at(-1)).toMatchObject({ status: "succeeded", source: "notice", code: "80000" });
    await post(xml);
    await post(xml, "text/xml");
    expect((await notifier.payments.get({ account, orderNumber: "N1" }))?.version).toBe(3);
    expect(await metric("notices_total", 'result="applied"')).toBe(1);
    expect(await metric("notices_total", 'result="unchanged"')).toBe(2);
  });

  it("out-of-order notices are harmless: pending or failure after success changes nothing", async () => {
    notifier = await startNotifier(redis);
    await submittingPayment(notifier.payments, "N2");
    await post(noticeXml(noticeFields({ order_number: "N2", payment_status: "1" })));
    await post(noticeXml(noticeFields({ order_number: "N2", payment_status: "-1", payment_details: "80100:Waiting" })));
    await post(noticeXml(noticeFields({ order_number: "N2", payment_status: "0", payment_details: "80101:Cancelled" })));
    expect(await status("N2")).toBe("succeeded");
  });

  it("pending moves only a submitting payment; an awaiting_customer one stays", async () => {
    notifier = await startNotifier(redis);
    await submittingPayment(notifier.payments, "N3");
    await post(noticeXml(noticeFields({ order_number: "N3", payment_status: "-1", payment_details: "80100:Waiting" }), undefined), "text/plain");
    expect(await status("N3")).toBe("pending");

    await submittingPayment(notifier.payments, "N3b");
    await notifier.payments.transition({ account, orderNumber: "N3b" }, { to: "awaiting_customer", source: "payer" });
    await post(noticeXml(noticeFields({ order_number: "N3b", payment_status: "-1", payment_details: "80100:Waiting" })));
    expect(await status("N3b")).toBe("awaiting_customer");
  });

  it("a failure notice fails the payment, but never on 20061 and never for another attempt", async () => {
    notifier = await startNotifier(redis);
    await submittingPayment(notifier.payments, "N4");
    await post(noticeXml(noticeFields({ order_number: "N4", payment_status: "0", payment_details: "20061:Duplicate order" })));
    expect(await status("N4")).toBe("submitting");

    await notifier.payments.transition(
      { account, orderNumber: "N4" },
      { to: "awaiting_customer", source: "payer", set: { paymentId: "attempt-2" } },
    );
    await post(noticeXml(noticeFields({ order_number: "N4", payment_status: "0", payment_id: "attempt-1", payment_details: "80101:Cancelled" })));
    expect(await status("N4")).toBe("awaiting_customer");
    expect(await metric("notices_total", 'result="ignored"')).toBe(2);

    await post(noticeXml(noticeFields({ order_number: "N4", payment_status: "0", payment_id: "attempt-2", payment_details: "80101:Cancelled" })));
    expect(await notifier.payments.get({ account, orderNumber: "N4" })).toMatchObject({ status: "failed", gateway: { code: "80101" } });
  });

  it("a void notice (0 with 80102) voids an unpaid offline payment, but never a payment that is not voidable", async () => {
    notifier = await startNotifier(redis);
    await submittingPayment(notifier.payments, "N6");
    await notifier.payments.transition(
      { account, orderNumber: "N6" },
      { to: "awaiting_customer", source: "payer", set: { paymentId: "240506101548268260914" } },
    );
    const voidNotice = noticeXml(noticeFields({ order_number: "N6", payment_status: "0", payment_details: "80102:Order voided" }));
    await post(voidNotice);
    expect(await notifier.payments.get({ account, orderNumber: "N6" })).toMatchObject({ status: "voided", gateway: { code: "80102" } });

    await submittingPayment(notifier.payments, "N7");
    await post(noticeXml(noticeFields({ order_number: "N7", payment_status: "0", payment_details: "80102:Order voided" })));
    expect(await status("N7")).toBe("failed");
  });

  const forged: Array<[string, () => string | Buffer, string]> = [
    ["bad signature", () => noticeXml({ ...noticeFields({ order_number: "F1" }), signValue: "0".repeat(64) }), "bad_signature"],
    ["signed with another secureCode", () => noticeXml(noticeFields({ order_number: "F1" }), "00000000"), "bad_signature"],
    ["tampered amount after signing", () => noticeXml(noticeFields({ order_number: "F1" })).replace(">12.50<", ">0.01<"), "bad_signature"],
    ["unknown terminal", () => noticeXml(noticeFields({ order_number: "F1", terminal: "11111111" })), "unknown_terminal"],
    ["wrong amount (validly signed)", () => noticeXml(noticeFields({ order_number: "F1", order_amount: "1.25" })), "amount_mismatch"],
    ["wrong currency (validly signed)", () => noticeXml(noticeFields({ order_number: "F1", order_currency: "EUR" })), "currency_mismatch"],
    ["unknown order", () => noticeXml(noticeFields({ order_number: "NOPE" })), "unknown_payment"],
    [
      "another store's terminal",
      () => noticeXml(noticeFields({ order_number: "F1", terminal: "99515001" }), "87654321"),
      "terminal_mismatch",
    ],
    [
      "XXE",
      () =>
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><response><account>995149</account><terminal>99514901</terminal><order_number>F1</order_number><payment_status>1</payment_status><signValue>&x;</signValue></response>`,
      "malformed",
    ],
    ["billion laughs", () => `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><response><x>&b;</x></response>`, "malformed"],
    ["garbage", () => "\u0000\u0001 not xml at all", "malformed"],
    ["invalid UTF-8", () => Buffer.from([0x3c, 0x72, 0xff, 0xfe, 0x3e]), "malformed"],
    ["empty body", () => "", "malformed"],
    ["missing payment_status", () => "<response><account>995149</account><terminal>99514901</terminal><order_number>F1</order_number><signValue>x</signValue></response>", "malformed"],
    ["too large", () => `<response><order_notes>${"a".repeat(70 * 1024)}</order_notes></response>`, "too_large"],
  ];

  it.each(forged)("%s: changes nothing, answers receive-ok, counts the reason", async (_name, body, reason) => {
    notifier = await startNotifier(redis);
    const before = await submittingPayment(notifier.payments, "F1");
    await post(body());
    const after = await notifier.payments.get({ account, orderNumber: "F1" });
    expect(after).toEqual(before);
    expect(await metric("notices_rejected_total", `reason="${reason}"`)).toBe(1);
    expect(await metric("notices_total", 'result="rejected"')).toBe(1);
  });

  it("answers receive-ok without a content type", async () => {
    notifier = await startNotifier(redis);
    await submittingPayment(notifier.payments, "N5");
    const res = await notifier.app.inject({ method: "POST", url: "/oceanpayment/notice", payload: noticeXml(noticeFields({ order_number: "N5" })) });
    expect(res.body).toBe("receive-ok");
    expect(await status("N5")).toBe("succeeded");
  });
});

import { type Payment, ReconcileSchedule, eventFromStreamEntry } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import { useRedis } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { account, startNotifier } from "./helpers.js";
import {
  type NoticeFields,
  noticeFields,
  noticeXml,
  sandboxRejection,
  shifted,
  signNotice,
  signedString,
  specPendingNotice,
  specSuccessNotice,
} from "./notice-fixtures.js";

const redis = useRedis();
let notifier: Notifier | undefined;

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
});

const attemptId = "240506101548268260914";

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

async function metric(name: string, label?: string): Promise<number> {
  const text = (await (notifier as Notifier).app.inject({ method: "GET", url: "/metrics" })).body;
  const m = new RegExp(`^${name}(?:\\{${label ?? ""}[^}]*\\})? (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

const get = (orderNumber: string) => (notifier as Notifier).payments.get({ account, orderNumber });
const status = async (orderNumber: string) => (await get(orderNumber))?.status;

/**
 * A payment of store-a (customer scan): `submitting` (no payment_id yet), or `awaiting_customer`
 * and beyond, knowing the attempt `paymentId` from the gateway's pay answer.
 */
async function payment(
  orderNumber: string,
  o: { amount?: string; notes?: string; paymentId?: string; then?: "failed" | "voided" } = {},
): Promise<Payment> {
  const payments = (notifier as Notifier).payments;
  const now = new Date().toISOString();
  const ref = { account, orderNumber };
  const created: Payment = {
    orderNumber, storeId: "store-a", mode: "customer_scan", method: "WeChatPay_Offline", amount: o.amount ?? "12.50", currency: "USD",
    status: "accepted", version: 1, createdAt: now, updatedAt: now, history: [{ status: "accepted", at: now, source: "intake" }],
    ...(o.notes === undefined ? {} : { notes: o.notes }),
  };
  await payments.create({ ...ref, payment: created, requestHash: "h" });
  let moved = await payments.transition(ref, { to: "submitting", source: "payer" });
  if (o.paymentId !== undefined) moved = await payments.transition(ref, { to: "awaiting_customer", source: "payer", set: { paymentId: o.paymentId } });
  if (o.then !== undefined) moved = await payments.transition(ref, { to: o.then, source: "payer", code: "80101", set: { gateway: { code: "80101", message: "Cancelled" } } });
  if (moved.outcome !== "applied") throw new Error(`could not set up ${orderNumber}`);
  return moved.payment;
}

const dueAt = (orderNumber: string) => new ReconcileSchedule({ redis: redis.client(), keyPrefix: redis.prefix }).dueAt({ account, orderNumber });

/** The fields of a document, read with a regular expression (independent of the notifier's parser). */
function fieldsOf(xml: string): NoticeFields {
  return Object.fromEntries([...xml.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((m) => [m[1] as string, m[2] as string]));
}

describe("POST /oceanpayment/notice", () => {
  it("fixtures: the restated order reproduces the sandbox's own signature of its rejection", () => {
    const rejection = fieldsOf(sandboxRejection);
    expect(signNotice(rejection, "12345678")).toBe(rejection.signValue);
    expect(signNotice(rejection, "12345678")).not.toBe(signNotice({ ...rejection, order_amount: "499.01" }, "12345678"));
  });

  it("moves a payment on a success notice carrying its known payment_id; duplicates change nothing", async () => {
    notifier = await startNotifier(redis);
    await payment("N1", { paymentId: attemptId });
    const xml = noticeXml(noticeFields({ order_number: "N1", order_amount: "12.5" }));
    await post(xml);
    const paid = await get("N1");
    expect(paid).toMatchObject({ status: "succeeded", version: 4, paymentId: attemptId, gateway: { code: "80000", message: "Transaction Approved" } });
    expect(paid?.history.at(-1)).toMatchObject({ status: "succeeded", source: "notice", code: "80000" });
    await post(xml);
    await post(xml, "text/xml");
    expect((await get("N1"))?.version).toBe(4);
    expect(await metric("notices_total", 'result="applied"')).toBe(1);
    expect(await metric("notices_total", 'result="unchanged"')).toBe(2);
  });

  it("out-of-order notices are harmless: pending or failure after success changes nothing", async () => {
    notifier = await startNotifier(redis);
    await payment("N2", { paymentId: attemptId });
    await post(noticeXml(noticeFields({ order_number: "N2" })));
    await post(noticeXml(noticeFields({ order_number: "N2", payment_status: "-1", payment_details: "" })));
    await post(noticeXml(noticeFields({ order_number: "N2", payment_status: "0", payment_details: "80101:Cancelled" })));
    expect(await status("N2")).toBe("succeeded");
  });

  it("never moves a payment that does not know its payment_id yet: it asks for the payment's query now", async () => {
    notifier = await startNotifier(redis);
    await payment("N3");
    const before = Date.now();
    await post(noticeXml(noticeFields({ order_number: "N3" })));
    await post(noticeXml(noticeFields({ order_number: "N3", payment_status: "-1", payment_details: "" })), "text/plain");
    await post(noticeXml(noticeFields({ order_number: "N3", payment_status: "0", payment_details: "80101:Cancelled" })));
    expect(await status("N3")).toBe("submitting");
    expect(await dueAt("N3")).toBeGreaterThanOrEqual(before);
    expect(await dueAt("N3")).toBeLessThanOrEqual(Date.now());
    expect(await metric("notices_total", 'result="query_requested"')).toBe(3);
  });

  it("a notice for another attempt never moves the payment: it asks for a query", async () => {
    notifier = await startNotifier(redis);
    await payment("N4", { paymentId: "2" });
    await post(noticeXml(noticeFields({ order_number: "N4", payment_id: "1", payment_status: "0", payment_details: "80101:Cancelled" })));
    await post(noticeXml(noticeFields({ order_number: "N4", payment_id: "1" })));
    expect(await status("N4")).toBe("awaiting_customer");
    expect(await dueAt("N4")).toBeLessThanOrEqual(Date.now());
    expect(await metric("notices_total", 'result="query_requested"')).toBe(2);

    await post(noticeXml(noticeFields({ order_number: "N4", payment_id: "2", payment_status: "0", payment_details: "20061:Duplicate order" })));
    expect(await metric("notices_total", 'result="ignored"')).toBe(1);
    // Even the known attempt's failure only asks for a query: failing a paid payment gets it paid twice.
    await post(noticeXml(noticeFields({ order_number: "N4", payment_id: "2", payment_status: "0", payment_details: "80101:Cancelled" })));
    expect(await status("N4")).toBe("awaiting_customer");
    expect(await metric("notices_total", 'result="query_requested"')).toBe(3);
  });

  it("a void notice (0 with 80102) of the known attempt asks for the query that records the void", async () => {
    notifier = await startNotifier(redis);
    await payment("N6", { paymentId: attemptId });
    const before = Date.now();
    await post(noticeXml(noticeFields({ order_number: "N6", payment_status: "0", payment_details: "80102:Order voided" })));
    expect(await status("N6")).toBe("awaiting_customer");
    expect(await dueAt("N6")).toBeGreaterThanOrEqual(before);
  });

  it("a success of the known attempt for a failed payment: needs_review with both facts, its event, the metric", async () => {
    notifier = await startNotifier(redis);
    await payment("N7", { paymentId: attemptId, then: "failed" });
    await post(noticeXml(noticeFields({ order_number: "N7" })));
    const reviewed = await get("N7");
    expect(reviewed).toMatchObject({ status: "needs_review", paymentId: attemptId, gateway: { code: "80000" } });
    expect(reviewed?.history.slice(-2)).toEqual([
      expect.objectContaining({ status: "failed", code: "80101" }),
      expect.objectContaining({ status: "needs_review", source: "notice", code: "80000", paymentId: attemptId, reason: expect.stringContaining("held as failed") }),
    ]);
    const entries = await redis.client().xrange(redisKeys(redis.prefix).events, "-", "+");
    const types = entries.map(([id, fields]) => eventFromStreamEntry(id, fields)).filter((e) => e.data.orderNumber === "N7").map((e) => e.type);
    expect(types.at(-1)).toBe("payment.needs_review");
    expect(await metric("payments_contradicted")).toBe(1);
    // It waits for a person: a repeat of the notice changes nothing, nor does another attempt's (no query either).
    await post(noticeXml(noticeFields({ order_number: "N7" })));
    await post(noticeXml(noticeFields({ order_number: "N7", payment_id: "99" })));
    expect((await get("N7"))?.version).toBe(reviewed?.version);
    expect(await dueAt("N7")).toBeUndefined();
    expect(await metric("notices_total", 'result="unchanged"')).toBe(2);
  });

  describe("attacks with genuine signed documents", () => {
    it("the spec's pending notice edited to payment_authType=0- / payment_status=1 is refused; the payment stays unpaid", async () => {
      notifier = await startNotifier(redis);
      await payment("NO12345678", { amount: "0.01", paymentId: attemptId });
      await post(shifted(specPendingNotice, { payment_authType: "0-", payment_status: "1" }));
      // The same trick through payment_id's neighbours: card_number takes its first digit.
      await post(shifted(specPendingNotice, { card_number: "2", payment_id: attemptId.slice(1), payment_authType: "0-", payment_status: "1" }));
      expect(await status("NO12345678")).toBe("awaiting_customer");
      expect(await metric("notices_rejected_total", 'reason="bad_format"')).toBe(2);
      // The genuine pending notice itself verifies and is harmless.
      await post(noticeXml(specPendingNotice));
      expect(await status("NO12345678")).toBe("awaiting_customer");
    });

    it("a payment_id shifted into payment_authType names another attempt: only a query", async () => {
      notifier = await startNotifier(redis);
      await payment("NO12345678", { amount: "0.01", paymentId: attemptId });
      const genuineFailure = { ...specSuccessNotice, payment_status: "0", payment_details: "80101:Cancelled" };
      await post(shifted(genuineFailure, { payment_id: attemptId.slice(0, -1), payment_authType: `${attemptId.slice(-1)}0` }));
      expect(await status("NO12345678")).toBe("awaiting_customer");
      expect(await metric("notices_total", 'result="query_requested"')).toBe(1);
    });

    it("the sandbox's signed rejection of an attacker's request, replayed as is while submitting, fails nothing", async () => {
      notifier = await startNotifier(redis);
      await payment("R1", { amount: "499.00" });
      await post(sandboxRejection);
      expect(await status("R1")).toBe("submitting");
      expect(await metric("notices_rejected_total", 'reason="refused_request"')).toBe(1);
    });

    it("the same rejection edited into a success passes every format, and still moves nothing: only a query", async () => {
      notifier = await startNotifier(redis);
      await payment("R1", { amount: "499.00" });
      await payment("R2", { amount: "499.00", paymentId: "240527141641780010530" });
      const genuine = fieldsOf(sandboxRejection);
      const forged = { order_notes: "", payment_id: attemptId, payment_authType: "0", payment_status: "1" };
      // As reproduced: the rejection's tail lands in payment_details…
      await post(shifted(genuine, { ...forged, payment_details: "80000:Transaction Approved0020013:Signature error" }));
      // …or in payment_risk, leaving a clean approval.
      await post(shifted(genuine, { ...forged, payment_details: "80000:Transaction Approved", payment_risk: "0020013:Signature error" }));
      expect(await status("R1")).toBe("submitting");
      // Against a payment that knows its attempt, the forged payment_id is another attempt.
      const againstR2 = { ...genuine, order_number: "R2", signValue: "" };
      const r2 = noticeXml({ ...againstR2, ...forged, payment_details: "80000:Transaction Approved", payment_risk: "0020013:Signature error", signValue: signNotice(againstR2, "12345678") });
      expect(signedString({ ...againstR2, ...forged, payment_details: "80000:Transaction Approved", payment_risk: "0020013:Signature error" })).toBe(signedString(againstR2));
      await post(r2);
      expect(await status("R2")).toBe("awaiting_customer");
      expect(await metric("notices_total", 'result="query_requested"')).toBe(3);
    });
  });

  it("an attacker who knows the attempt's payment_id (the store API shows it) still moves nothing: only a query", async () => {
    notifier = await startNotifier(redis);
    const paymentId = "240527141641780010530";
    await payment("R3", { amount: "499.00", paymentId });
    // The rejection the gateway signs for a request whose notes hold <payment_id>01 + an approval…
    const genuine = { ...fieldsOf(sandboxRejection), order_number: "R3", order_notes: `${paymentId}0180000:Transaction Approved`, signValue: "" };
    const forged = { order_notes: "", payment_id: paymentId, payment_authType: "0", payment_status: "1" };
    // …shifted so that the payment_id is the known one and its tail sits after the approval.
    const inDetails = { ...forged, payment_details: "80000:Transaction Approved0020013:Signature error" };
    const inRisk = { ...forged, payment_details: "80000:Transaction Approved", payment_risk: "0020013:Signature error" };
    for (const edit of [inDetails, inRisk]) {
      expect(signedString({ ...genuine, ...edit })).toBe(signedString(genuine));
      await post(noticeXml({ ...genuine, ...edit, signValue: signNotice(genuine, "12345678") }));
    }
    expect(await status("R3")).toBe("awaiting_customer");
    expect(await metric("notices_total", 'result="query_requested"')).toBe(2);
    expect(await metric("notices_total", 'result="applied"')).toBe(0);
  });

  const forged: Array<[string, () => string | Buffer, string]> = [
    ["bad signature", () => noticeXml({ ...noticeFields({ order_number: "F1" }), signValue: "0".repeat(64) }), "bad_signature"],
    ["signed with another secureCode", () => noticeXml(noticeFields({ order_number: "F1" }), "00000000"), "bad_signature"],
    ["tampered amount after signing", () => noticeXml(noticeFields({ order_number: "F1" })).replace(">12.50<", ">0.01<"), "bad_signature"],
    ["unknown terminal", () => noticeXml(noticeFields({ order_number: "F1", terminal: "11111111" })), "unknown_terminal"],
    ["wrong amount (validly signed)", () => noticeXml(noticeFields({ order_number: "F1", order_amount: "1.25" })), "amount_mismatch"],
    ["wrong currency (validly signed)", () => noticeXml(noticeFields({ order_number: "F1", order_currency: "EUR" })), "currency_mismatch"],
    ["other notes (validly signed)", () => noticeXml(noticeFields({ order_number: "F1", order_notes: "till 3" })), "notes_mismatch"],
    ["another account (validly signed)", () => noticeXml(noticeFields({ order_number: "F1", account: "995150" })), "unknown_payment"],
    ["unknown order", () => noticeXml(noticeFields({ order_number: "NOPE" })), "unknown_payment"],
    ["another store's terminal", () => noticeXml(noticeFields({ order_number: "F1", terminal: "99515001" }), "87654321"), "terminal_mismatch"],
    ["a success without the approval code", () => noticeXml(noticeFields({ order_number: "F1", payment_details: "80100:Waiting" })), "bad_format"],
    ["an unmasked card number", () => noticeXml(noticeFields({ order_number: "F1", card_number: "4111111111111111" })), "bad_format"],
    ["payment_status 2", () => noticeXml(noticeFields({ order_number: "F1", payment_status: "2" })), "bad_format"],
    ["no payment_id", () => noticeXml(noticeFields({ order_number: "F1", payment_id: "", payment_status: "0", payment_details: "80101:Cancelled" })), "refused_request"],
    ["a validation code", () => noticeXml(noticeFields({ order_number: "F1", payment_status: "0", payment_details: "20013:Signature error" })), "refused_request"],
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
    const before = await payment("F1", { paymentId: attemptId });
    await post(body());
    expect(await get("F1")).toEqual(before);
    expect(await metric("notices_rejected_total", `reason="${reason}"`)).toBe(1);
    expect(await metric("notices_total", 'result="rejected"')).toBe(1);
  });

  it("answers receive-ok without a content type", async () => {
    notifier = await startNotifier(redis);
    await payment("N5", { paymentId: attemptId });
    const res = await notifier.app.inject({ method: "POST", url: "/oceanpayment/notice", payload: noticeXml(noticeFields({ order_number: "N5" })) });
    expect(res.body).toBe("receive-ok");
    expect(await status("N5")).toBe("succeeded");
  });
});

import { redisKeys } from "@oceanpos/core/redis";
import { type Payment, type StreamEvent, eventFromStreamEntry } from "@oceanpos/core/payments";
import { type Refund, RefundStore, refundMember } from "@oceanpos/core/refunds";
import { useRedis } from "@oceanpos/testing";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { Receiver, account, auth, startNotifier } from "./helpers.js";
import { SseReader } from "./sse-client.js";
import { type NoticeFields, businessNoticeXml, noticeFields, noticeXml, refundNoticeFields, shiftedBusiness } from "./notice-fixtures.js";

const redis = useRedis();
let notifier: Notifier | undefined;
const receivers: Receiver[] = [];

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
  for (const r of receivers.splice(0)) await r.close();
});

const chargeId = "240506101548268260914";
const refundId = "240507090000000000042";
const keys = () => redisKeys(redis.prefix);
const refunds = () => new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix });

async function post(body: string): Promise<void> {
  const res = await (notifier as Notifier).app.inject({ method: "POST", url: "/oceanpayment/notice", headers: { "content-type": "application/xml" }, payload: body });
  expect(res.statusCode).toBe(200);
  expect(res.body).toBe("receive-ok");
}

/** A counter's value for these labels (in the order the counter declares them; other labels may follow). */
async function metric(name: string, labels: string): Promise<number> {
  const text = (await (notifier as Notifier).app.inject({ method: "GET", url: "/metrics" })).body;
  const m = new RegExp(`^${name}\\{${labels}[^}]*\\} (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

/** A succeeded payment of store-a (12.50 USD, charge `chargeId`) with refund R-1 of 5.00 in `status`. */
async function refundIn(orderNumber: string, status: "submitting" | "pending" | "failed", o: { refundId?: string } = {}): Promise<{ payment: Payment; refund: Refund }> {
  const payments = (notifier as Notifier).payments;
  const now = new Date().toISOString();
  const ref = { account, orderNumber };
  await payments.create({
    ...ref,
    requestHash: "h",
    payment: {
      orderNumber, storeId: "store-a", mode: "merchant_scan", method: "WeChatPay_Offline", amount: "12.50", currency: "USD",
      status: "accepted", version: 1, createdAt: now, updatedAt: now, history: [{ status: "accepted", at: now, source: "intake" }],
    },
  });
  await payments.transition(ref, { to: "submitting", source: "payer" });
  const paid = await payments.transition(ref, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: chargeId } });
  if (paid.outcome !== "applied") throw new Error("payment not set up");
  const store = refunds();
  const refundRef = { ...ref, refundNumber: "R-1" };
  await store.create({
    ...refundRef,
    requestHash: "r",
    refund: { refundNumber: "R-1", orderNumber, storeId: "store-a", amount: "5.00", currency: "USD", status: "accepted", version: 1, createdAt: now, updatedAt: now, history: [{ status: "accepted", at: now, source: "intake" }] },
  });
  let moved = await store.transition(refundRef, { to: "submitting", source: "payer" });
  if (status !== "submitting") moved = await store.transition(refundRef, { to: "pending", source: "payer", set: { refundId: o.refundId ?? refundId } });
  if (status === "failed") moved = await store.transition(refundRef, { to: "failed", source: "query", code: "80103" });
  if (moved.outcome !== "applied") throw new Error("refund not set up");
  return { payment: paid.payment, refund: moved.refund };
}

const getRefund = (orderNumber: string) => refunds().get({ account, orderNumber, refundNumber: "R-1" });
const refundDue = async (orderNumber: string) => redis.client().zscore(keys().refundReconcile, refundMember({ account, orderNumber, refundNumber: "R-1" }));
const refundNotice = (orderNumber: string, extra: NoticeFields = {}) => refundNoticeFields({ order_number: orderNumber, ...extra });

async function streamEvents(): Promise<StreamEvent[]> {
  return (await redis.client().xrange(keys().events, "-", "+")).map(([id, fields]) => eventFromStreamEntry(id, fields) as StreamEvent);
}

describe("refund notices", () => {
  it("move a pending refund to succeeded with the gateway's words; duplicates and a late failure change nothing", async () => {
    notifier = await startNotifier(redis);
    await refundIn("RN1", "pending");
    const xml = businessNoticeXml(refundNotice("RN1"));
    await post(xml);
    const paid = await getRefund("RN1");
    expect(paid).toMatchObject({ status: "succeeded", version: 4, refundId, gateway: { code: "80000", message: "Transaction Approved" } });
    expect(paid?.history.at(-1)).toMatchObject({ status: "succeeded", source: "notice", code: "80000" });
    expect((await notifier.payments.get({ account, orderNumber: "RN1" }))?.refundedAmount).toBe("5.00");
    await post(xml);
    await post(businessNoticeXml(refundNotice("RN1", { push_status: "0", push_details: "80103:Refund failed: insufficient balance" })));
    expect((await getRefund("RN1"))?.version).toBe(4);
    expect(await refundDue("RN1")).toBeNull();
    expect((await streamEvents()).filter((e) => e.type === "refund.succeeded")).toHaveLength(1);
    expect(await metric("business_notices_total", 'kind="refund",result="applied"')).toBe(1);
    expect(await metric("business_notices_total", 'kind="refund",result="unchanged"')).toBe(2);
    expect(await metric("notices_total", 'result="applied"')).toBe(1);
  });

  it("a full refund's notice (notice_type refund) fails a pending refund on push_status 0, freeing its amount", async () => {
    notifier = await startNotifier(redis);
    await refundIn("RN2", "pending");
    await post(businessNoticeXml(refundNotice("RN2", { notice_type: "refund", push_status: "0", push_details: "80103:Refund failed: insufficient balance" })));
    expect(await getRefund("RN2")).toMatchObject({ status: "failed", gateway: { code: "80103" } });
    expect((await notifier.payments.get({ account, orderNumber: "RN2" }))?.refundableAmount).toBe("12.50");
  });

  it("a refund notice for an unknown refund or payment changes nothing and is counted", async () => {
    notifier = await startNotifier(redis);
    await refundIn("RN3", "pending");
    await post(businessNoticeXml(refundNotice("RN3", { refund_number: "R-9" })));
    await post(businessNoticeXml(refundNotice("NOPE")));
    expect(await getRefund("RN3")).toMatchObject({ status: "pending", version: 3 });
    expect(await metric("notices_rejected_total", 'reason="unknown_refund"')).toBe(1);
    expect(await metric("notices_rejected_total", 'reason="unknown_payment"')).toBe(1);
    expect(await metric("business_notices_total", 'kind="refund",result="rejected"')).toBe(2);
  });

  it("an unverifiable notice (the sign string is assumed) only asks for the refund's query, as does one the refund cannot match yet", async () => {
    notifier = await startNotifier(redis);
    await refundIn("RN4", "pending");
    const before = Date.now();
    await post(businessNoticeXml({ ...refundNotice("RN4"), signValue: "0".repeat(64) }));
    expect(await getRefund("RN4")).toMatchObject({ status: "pending", version: 3 });
    const due = Number(await refundDue("RN4"));
    expect(due).toBeGreaterThanOrEqual(before);
    expect(due).toBeLessThanOrEqual(Date.now());
    // Its applyRefund answer was lost: the refund knows no refund_id yet.
    await refundIn("RN5", "submitting");
    await post(businessNoticeXml(refundNotice("RN5")));
    expect(await getRefund("RN5")).toMatchObject({ status: "submitting" });
    expect(await refundDue("RN5")).not.toBeNull();
    expect(await metric("business_notices_total", 'kind="refund",result="query_requested"')).toBe(2);
    // Not the payment's query: the refunds have their own schedule.
    expect(await redis.client().zcard(keys().reconcile)).toBe(0);
  });

  it("a success for a refund held as failed goes to needs_review with both facts", async () => {
    notifier = await startNotifier(redis);
    await refundIn("RN6", "failed");
    await post(businessNoticeXml(refundNotice("RN6")));
    const review = await getRefund("RN6");
    expect(review?.status).toBe("needs_review");
    expect(review?.history.at(-1)?.reason).toMatch(/refund_id/);
  });

  const forged: Array<[string, (genuine: NoticeFields) => string, string]> = [
    // Characters moved across push_status: …042 | 1 | 80000: → …04 | 2 | 180000:
    ["push_id's last digit shifted into push_status", (g) => shiftedBusiness(g, { push_id: refundId.slice(0, -1), push_status: "2", push_details: "180000:Transaction Approved" }), "bad_format"],
    ["refund_number's letters shifted into notice_type", (g) => shiftedBusiness({ ...g, refund_number: "Rpartial", notice_type: "Refund" }, { refund_number: "R", notice_type: "partialRefund" }), "unknown_refund"],
    ["notice_type shifted into refund_number", (g) => shiftedBusiness(g, { refund_number: "R-1partial", notice_type: "Refund" }), "unknown_notice_type"],
    ["another store's terminal", (g) => businessNoticeXml({ ...g, terminal: "99515001", account: "995150" }, "87654321"), "unknown_payment"],
    ["unknown terminal", (g) => businessNoticeXml({ ...g, terminal: "11111111" }), "unknown_terminal"],
    ["wrong amount", (g) => businessNoticeXml({ ...g, order_amount: "1.25" }), "amount_mismatch"],
    ["another charge", (g) => businessNoticeXml({ ...g, payment_id: "240506101548268260915" }), "attempt_mismatch"],
    ["no refund_number", (g) => businessNoticeXml({ ...g, refund_number: "" }), "bad_format"],
    ["a control character in push_details", (g) => businessNoticeXml({ ...g, push_details: "80000:ok\u0007" }), "bad_format"],
  ];

  it.each(forged)("forged (%s): changes nothing, asks for nothing, is counted", async (_name, forge, reason) => {
    notifier = await startNotifier(redis);
    await refundIn("RF1", "pending");
    await post(forge(refundNotice("RF1")));
    expect(await getRefund("RF1")).toMatchObject({ status: "pending", version: 3 });
    expect(await refundDue("RF1")).toBeNull();
    expect(await metric("notices_rejected_total", `reason="${reason}"`)).toBe(1);
  });

  it("is routed on notice_type before the transaction notice's shape, and an unknown notice_type is refused by name", async () => {
    notifier = await startNotifier(redis);
    await post("<response><notice_type>refund</notice_type><account>995149</account><terminal>99514901</terminal><order_number>N8</order_number><push_status>1</push_status></response>");
    expect(await metric("business_notices_total", 'kind="refund",result="rejected"')).toBe(1);
    expect(await metric("notices_rejected_total", 'reason="malformed"')).toBe(1);
    await post(noticeXml({ ...noticeFields({ order_number: "N8" }), notice_type: "dispute" }));
    expect(await metric("notices_rejected_total", 'reason="unknown_notice_type"')).toBe(1);
  });
});

const riskFields = (orderNumber: string, extra: NoticeFields = {}): NoticeFields =>
  refundNoticeFields({ order_number: orderNumber, notice_type: "chargeBack", refund_number: "", push_id: "240601000000000000007", push_status: "2", push_details: "", ...extra });

describe("risk notices", () => {
  it("record one payment.risk_notice event with the payment and the notice; the payment's status never moves", async () => {
    notifier = await startNotifier(redis);
    const { payment } = await refundIn("RK1", "pending");
    const xml = businessNoticeXml(riskFields("RK1"));
    await post(xml);
    await post(xml);
    await post(businessNoticeXml(riskFields("RK1", { notice_type: "fraud", push_status: "1", push_details: "10000:High risk" })));
    const risks = (await streamEvents()).filter((e) => e.type === "payment.risk_notice");
    expect(risks.map((e) => e.data)).toEqual([
      { orderNumber: "RK1", storeId: "store-a", payment: expect.objectContaining({ status: "succeeded", version: payment.version, refundedAmount: "0.00" }), notice: { type: "chargeBack", status: "2", details: { code: "", message: "" }, id: "240601000000000000007", paymentId: chargeId, pushedAt: "2024-05-07 09:00:00" } },
      expect.objectContaining({ notice: expect.objectContaining({ type: "fraud", status: "1", details: { code: "10000", message: "High risk" } }) }),
    ]);
    expect(await notifier.payments.get({ account, orderNumber: "RK1" })).toMatchObject({ status: "succeeded", version: payment.version });
    expect(await metric("business_notices_total", 'kind="risk",result="recorded"')).toBe(2);
    expect(await metric("business_notices_total", 'kind="risk",result="unchanged"')).toBe(1);
  });

  it("an unverifiable or mismatched risk notice records nothing", async () => {
    notifier = await startNotifier(redis);
    await refundIn("RK2", "pending");
    await post(businessNoticeXml({ ...riskFields("RK2"), signValue: "0".repeat(64) }));
    await post(businessNoticeXml(riskFields("RK2", { order_amount: "99.00" })));
    await post(businessNoticeXml(riskFields("RK2", { refund_number: "R-1" })));
    expect((await streamEvents()).filter((e) => e.type === "payment.risk_notice")).toHaveLength(0);
    for (const reason of ["bad_signature", "amount_mismatch", "bad_format"]) expect(await metric("notices_rejected_total", `reason="${reason}"`)).toBe(1);
  });
});

describe("refund and risk events, end to end", () => {
  it("go out as signed webhooks to the subscriptions whose patterns match, on the live stream and on the event log", async () => {
    notifier = await startNotifier(redis);
    await notifier.app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(notifier.app.server.address() as { port: number }).port}`;
    const storeA = await SseReader.open(`${base}/v1/events/stream`, auth("key-a"));
    const storeB = await SseReader.open(`${base}/v1/events/stream`, auth("key-b"));
    const refundsOnly = await new Receiver().listen();
    const paymentsOnly = await new Receiver().listen();
    receivers.push(refundsOnly, paymentsOnly);
    const subscribe = async (url: string, events: string[]) => {
      const res = await (notifier as Notifier).app.inject({ method: "POST", url: "/v1/subscriptions", headers: auth(), payload: { url, events } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; secret: string };
    };
    const refundSub = await subscribe(refundsOnly.url, ["refund.*"]);
    const riskSub = await subscribe(paymentsOnly.url, ["payment.risk_notice", "payment.voided"]);
    await refundIn("RE1", "pending");
    await post(businessNoticeXml(refundNotice("RE1")));
    await post(businessNoticeXml(riskFields("RE1")));

    // refund.accepted, submitting, pending (set-up) and succeeded (the notice), in order.
    const refundHooks = await refundsOnly.next(4, 15_000, "refund webhooks");
    const types = refundHooks.map((r) => (new Webhook(refundSub.secret).verify(r.body, r.headers as Record<string, string>) as { type: string }).type);
    expect(types).toEqual(["refund.accepted", "refund.submitting", "refund.pending", "refund.succeeded"]);
    const [riskHook] = await paymentsOnly.next(1, 15_000, "risk webhook");
    if (!riskHook) throw new Error("no risk webhook");
    const risk = new Webhook(riskSub.secret).verify(riskHook.body, riskHook.headers as Record<string, string>) as { type: string; data: { orderNumber: string; notice: { type: string } } };
    expect(risk).toMatchObject({ type: "payment.risk_notice", data: { orderNumber: "RE1", notice: { type: "chargeBack" } } });
    expect(refundsOnly.requests.some((r) => r.body.includes("risk_notice"))).toBe(false);
    expect(paymentsOnly.requests).toHaveLength(1);

    // The payment's 3 events, the refund's 4 and the risk notice, for its store only.
    await storeA.until(() => storeA.frames.some((f) => f.event === "payment.risk_notice"), 15_000, () => `no risk notice on the live stream: ${storeA.frames.map((f) => f.event).join(", ")}`);
    expect(storeA.frames.map((f) => f.event)).toEqual(expect.arrayContaining(["refund.succeeded", "payment.risk_notice"]));
    expect(storeA.frames.at(-1)).toMatchObject({ event: "payment.risk_notice" });
    storeA.close();
    storeB.close();
    expect(storeB.frames).toHaveLength(0);

    const log = await notifier.app.inject({ method: "GET", url: "/v1/events?limit=100", headers: { authorization: "Bearer key-a" } });
    const logged = (log.json() as { events: Array<{ type: string }> }).events.map((e) => e.type);
    expect(logged).toEqual(expect.arrayContaining(["refund.succeeded", "payment.risk_notice"]));
  });
});

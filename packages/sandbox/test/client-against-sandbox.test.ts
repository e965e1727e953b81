// The core OceanpaymentClient against the real sandbox over 127.0.0.1: every outcome class the
// client can report, and each fault knob of the contract as the client observes it.
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import {
  GatewayRequestInvalidError,
  OceanpaymentClient,
  gatewayCodes,
  parsePayResult,
  parsePaymentDetails,
  settle,
  type OceanpaymentClientOptions,
  type OceanpaymentCredentials,
  type PayInput,
  type PayScan,
  type Settlement,
  type UnclearOrder,
} from "@oceanpos/core/oceanpayment";
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxOptions } from "../src/index.js";
import { NoticeReceiver } from "./support/notice-receiver.js";
import { account, alipayCode, secureCode, sendJson, terminal, wechatCode } from "./support/protocol.js";
import { type RunningSandbox, startSandbox } from "./support/start-sandbox.js";

const credentials: OceanpaymentCredentials = { account, terminal, secureCode };

let running: RunningSandbox | undefined;
let receiver: NoticeReceiver | undefined;
let client: OceanpaymentClient | undefined;

afterEach(async () => {
  await client?.close();
  await running?.sandbox.close();
  await receiver?.close();
  client = running = receiver = undefined;
});

interface Harness {
  base: string;
  client: OceanpaymentClient;
  receiver: NoticeReceiver;
  pay(orderNumber: string, scan: PayScan, overrides?: Partial<PayInput>): ReturnType<OceanpaymentClient["pay"]>;
  /** `settle` of each order asked, from one client query (which must be answered). */
  settled(orderNumbers: readonly string[]): Promise<Map<string, Settlement | UnclearOrder>>;
  faults(body: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  ledger(orderNumber: string): Promise<{ status: number; json: unknown }>;
}

// Every test gets a fresh sandbox (random() = 0: a rate of 1 always fires), a notice receiver and
// a client, so a fault left on can never leak into another test.
async function start(sandbox: Partial<SandboxOptions> = {}, options: Partial<OceanpaymentClientOptions> = {}): Promise<Harness> {
  receiver = await new NoticeReceiver().start();
  running = await startSandbox({ random: () => 0, ...sandbox });
  const { base } = running;
  const c = (client = new OceanpaymentClient({ gatewayUrl: base, queryUrl: base, ...options }));
  const noticeUrl = receiver.url;
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await sendJson(`${base}${path}`, method, body);
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.json)}`).toBe(200);
  };
  return {
    base,
    client: c,
    receiver,
    pay: (orderNumber, scan, overrides = {}) =>
      c.pay({
        credentials,
        noticeUrl,
        orderNumber,
        currency: "USD",
        amount: "12.50",
        billing: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" },
        items: [{ name: "Lunch", sku: "L-1", price: "12.50", quantity: 1 }],
        scan,
        ...overrides,
      }),
    settled: async (orderNumbers) => {
      // Every order of these tests is sent as 12.50 USD without notes (see `pay`).
      const outcome = await c.query(credentials, orderNumbers.map(sent));
      const answered = expectKind(outcome, "answered");
      return new Map(orderNumbers.map((n) => [n, settle(answered.orders.get(n))]));
    },
    faults: (body) => control("POST", "/sandbox/faults", body),
    clearFaults: () => control("DELETE", "/sandbox/faults"),
    ledger: (orderNumber) => sendJson(`${base}/sandbox/ledger/${orderNumber}`, "GET"),
  };
}

/** Asserts the outcome kind (printing the whole outcome when it differs) and narrows to it. */
function expectKind<T extends { kind: string }, K extends T["kind"]>(outcome: T, kind: K): Extract<T, { kind: K }> {
  expect(outcome.kind, `expected ${kind}, got ${JSON.stringify(outcome)}`).toBe(kind);
  return outcome as Extract<T, { kind: K }>;
}

/** What `pay` sends for an order, as the query needs it (12.50 USD, no notes). */
const sent = (orderNumber: string) => ({ orderNumber, currency: "USD", amount: "12.50", notes: "" });

const merchant = (paymentCode: string): PayScan => ({ mode: "merchant_scans", paymentCode });
const wechatQr: PayScan = { mode: "customer_scans", method: "WeChatPay_Offline" };

describe("pay outcomes, scripted by the payment code", () => {
  it.each([0, 3, 6])("succeeded: WeChat code ending %i, one charge, query agrees", async (digit) => {
    const h = await start();
    const paid = expectKind(await h.pay(`S${digit}`, merchant(wechatCode(digit))), "succeeded");
    expect(paid.details).toEqual({ code: gatewayCodes.approved, message: "Transaction Approved" });
    expect((await h.ledger(`S${digit}`)).json).toMatchObject({ charges: 1, status: "succeeded", paymentIds: [paid.paymentId] });
    expect((await h.settled([`S${digit}`])).get(`S${digit}`)).toMatchObject({ status: "succeeded", attempt: { paymentId: paid.paymentId } });
  });

  it("succeeded with an Alipay code too", async () => {
    const h = await start();
    expectKind(await h.pay("SALI", merchant(alipayCode(2))), "succeeded");
  });

  it("failed: ending 8 is a risk decline carrying its code, nothing charged", async () => {
    const h = await start();
    const failed = expectKind(await h.pay("F8", merchant(wechatCode(8))), "failed");
    expect(failed.code).toBe(gatewayCodes.riskDecline);
    expect(failed.paymentId).not.toBe("");
    expect((await h.ledger("F8")).json).toMatchObject({ charges: 0, status: "failed" });
    expect((await h.settled(["F8"])).get("F8")).toMatchObject({ status: "failed", attempt: { details: { code: "10000" } } });
  });

  it("pending: ending 7 settles succeeded after pendingMs (awaited by its notice); ending 9 stays pending", async () => {
    const h = await start({ pendingMs: 400 });
    const seven = expectKind(await h.pay("P7", merchant(wechatCode(7))), "pending");
    expectKind(await h.pay("P9", merchant(wechatCode(9))), "pending");
    expect((await h.settled(["P7", "P9"])).get("P7")?.status).toBe("pending");
    const [notice] = await h.receiver.waitFor("P7", 1, 5_000);
    expect(notice?.fields.payment_status).toBe("1");
    const after = await h.settled(["P7", "P9"]);
    expect(after.get("P7")).toMatchObject({ status: "succeeded", attempt: { paymentId: seven.paymentId } });
    expect(after.get("P9")?.status).toBe("pending");
  });

  it.each(["WeChatPay_Offline", "Alipay_Offline"] as const)("awaiting_customer: %s answers a barCode; the scan settles it", async (method) => {
    const h = await start();
    const order = `QR_${method}`;
    const awaiting = expectKind(await h.pay(order, { mode: "customer_scans", method }), "awaiting_customer");
    // A bare 28-digit string, as in the face-to-face spec: the QR encodes exactly this.
    expect(awaiting.barCode).toMatch(/^\d{28}$/);
    expect((await h.settled([order])).get(order)).toMatchObject({ status: "pending", attempt: { barCode: awaiting.barCode } });
    const scan = await sendJson(`${h.base}/sandbox/scan`, "POST", { orderNumber: order, outcome: "succeeded" });
    expect(scan.status).toBe(200);
    expect((await h.settled([order])).get(order)?.status).toBe("succeeded");
  });

  it("duplicate_order: resubmitting a succeeded order answers 20061 and charges nothing more", async () => {
    const h = await start();
    const first = expectKind(await h.pay("DUP", merchant(wechatCode(0))), "succeeded");
    const again = expectKind(await h.pay("DUP", merchant(wechatCode(1))), "duplicate_order");
    expect(again.details.code).toBe(gatewayCodes.duplicateOrder);
    expect((await h.ledger("DUP")).json).toMatchObject({ charges: 1, paymentIds: [first.paymentId] });
    expect((await h.settled(["DUP"])).get("DUP")).toMatchObject({ status: "succeeded", attempt: { paymentId: first.paymentId } });
  });
});

describe("rejected requests", () => {
  it("a field the client does not pre-validate comes back as rejected with Oceanpayment's 200xx code", async () => {
    const h = await start();
    // The client only checks the shape of a currency (three capitals) and does not check an email
    // address; the gateway knows ISO 4217 (20023) and refuses a malformed address (20050).
    expect(await h.pay("RCUR", merchant(wechatCode(0)), { currency: "XYZ" })).toMatchObject({ kind: "rejected", code: "20023" });
    const badEmail = { firstName: "Ada", lastName: "Lovelace", email: "not-an-address" };
    expect(await h.pay("RMAIL", merchant(wechatCode(0)), { billing: badEmail })).toMatchObject({ kind: "rejected", code: "20050" });
    expect((await sendJson(`${h.base}/sandbox/ledger`, "GET")).json).toEqual({ orders: [] });
  });

  it("a wrong secureCode: pay is ambiguous by design (the 20013 answer cannot be verified); query and void are rejected", async () => {
    const h = await start();
    const wrong = { ...credentials, secureCode: "not-the-sandbox-code" };
    // The sandbox signs its 20013 answer with its own secureCode, which the client cannot verify:
    // an unverifiable document is never believed, so the outcome is settled by a query instead.
    const outcome = await h.pay("RSIG", merchant(wechatCode(0)), { credentials: wrong });
    expect(outcome).toMatchObject({ kind: "ambiguous", reason: "signature_invalid" });
    expect((await h.ledger("RSIG")).status).toBe(404);
    // Query and void answers are unsigned (assumed), so their 20013 is read as a plain rejection.
    expect(await h.client.query(wrong, [sent("RSIG")])).toMatchObject({ kind: "rejected", code: gatewayCodes.wrongSignature });
    expect(await h.client.void(wrong, "RSIG")).toMatchObject({ kind: "rejected", code: gatewayCodes.wrongSignature });
    expect((await h.settled(["RSIG"])).get("RSIG")).toEqual({ status: "no_attempt" });
  });
});

describe("transport faults", () => {
  it("errorRate=1: pay and query are retryable (500), nothing charged; a refund 500 is ambiguous (money out)", async () => {
    const h = await start();
    const paid = expectKind(await h.pay("E0", merchant(wechatCode(0))), "succeeded");
    await h.faults({ errorRate: 1 });
    expect(await h.pay("E500", merchant(wechatCode(0)))).toMatchObject({ kind: "retryable", reason: "http_5xx", statusCode: 500 });
    expect(await h.client.query(credentials, [sent("E500")])).toMatchObject({ kind: "retryable", reason: "http_5xx" });
    const refund = { credentials, paymentId: paid.paymentId, refundNumber: "RF-E", refundType: "partial", amount: "1.00" } as const;
    expect(await h.client.refund(refund)).toMatchObject({ kind: "ambiguous", reason: "http_5xx" });
    await h.clearFaults();
    expect((await h.ledger("E500")).status).toBe(404);
    expect((await h.settled(["E500"])).get("E500")).toEqual({ status: "no_attempt" });
  });

  it("a closed port: retryable, not sent", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    client = new OceanpaymentClient({ gatewayUrl: `http://127.0.0.1:${port}`, queryUrl: `http://127.0.0.1:${port}` });
    const input: PayInput = {
      credentials,
      noticeUrl: "http://127.0.0.1:9/notice",
      orderNumber: "CLOSED",
      currency: "USD",
      amount: "1.00",
      billing: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" },
      items: [{ name: "Tea", sku: "T", price: "1.00", quantity: 1 }],
      scan: merchant(wechatCode(0)),
    };
    expect(await client.pay(input)).toMatchObject({ kind: "retryable", reason: "not_sent" });
    expect(await client.query(credentials, [sent("CLOSED")])).toMatchObject({ kind: "retryable", reason: "not_sent" });
  });

  it("timeoutRate=1 with a short payMs: ambiguous; the charge was taken, the query says succeeded, a resend is a duplicate", async () => {
    const h = await start({}, { timeouts: { payMs: 300 } });
    await h.faults({ timeoutRate: 1 });
    const started = performance.now();
    expect(await h.pay("T0", merchant(wechatCode(0)))).toMatchObject({ kind: "ambiguous", reason: "timeout" });
    expect(performance.now() - started).toBeLessThan(5_000);
    await h.clearFaults();
    const entry = (await h.ledger("T0")).json as { charges: number; paymentIds: string[] };
    expect(entry).toMatchObject({ charges: 1, status: "succeeded" });
    expect((await h.settled(["T0"])).get("T0")).toMatchObject({ status: "succeeded", attempt: { paymentId: entry.paymentIds[0] } });
    expectKind(await h.pay("T0", merchant(wechatCode(0))), "duplicate_order");
    expect((await h.ledger("T0")).json).toMatchObject({ charges: 1 });
  });

  it("resetAfterChargeRate=1: ambiguous; ledger shows one charge and the query says succeeded", async () => {
    const h = await start();
    await h.faults({ resetAfterChargeRate: 1 });
    expect(await h.pay("X0", merchant(wechatCode(0)))).toMatchObject({ kind: "ambiguous", reason: "maybe_sent" });
    await h.clearFaults();
    expect((await h.ledger("X0")).json).toMatchObject({ charges: 1, status: "succeeded" });
    expect((await h.settled(["X0"])).get("X0")?.status).toBe("succeeded");
  });

  it("badSignatureRate=1: ambiguous whatever the answer said, never succeeded", async () => {
    const h = await start();
    await h.faults({ badSignatureRate: 1 });
    for (const [order, scan] of [["B0", merchant(wechatCode(0))], ["B8", merchant(wechatCode(8))], ["BQR", wechatQr]] as const) {
      expect(await h.pay(order, scan), order).toMatchObject({ kind: "ambiguous", reason: "signature_invalid" });
    }
    await h.clearFaults();
    // The success really happened: only a query may establish it.
    expect((await h.settled(["B0"])).get("B0")?.status).toBe("succeeded");
  });

  it("latencyMs: the call takes at least that long", async () => {
    const h = await start();
    const latencyMs = 250;
    await h.faults({ latencyMs });
    const started = performance.now();
    expectKind(await h.pay("L0", merchant(wechatCode(0))), "succeeded");
    const elapsed = performance.now() - started;
    // 1 ms of slack: Node timers are scheduled in whole milliseconds of a coarser clock.
    expect(elapsed).toBeGreaterThanOrEqual(latencyMs - 1);
    const queryStarted = performance.now();
    expectKind(await h.client.query(credentials, [sent("L0")]), "answered");
    expect(performance.now() - queryStarted).toBeGreaterThanOrEqual(latencyMs - 1);
  });
});

describe("query", () => {
  it("answers 100 order numbers in one call: succeeded, pending and no-attempt mixed", async () => {
    const h = await start({ pendingMs: 60_000 });
    const numbers = Array.from({ length: 100 }, (_, i) => `M${String(i).padStart(3, "0")}`);
    const scripted = new Map<string, string>([["M000", "succeeded"], ["M010", "succeeded"], ["M050", "pending"], ["M099", "pending"]]);
    for (const [n, status] of scripted) await h.pay(n, status === "succeeded" ? merchant(wechatCode(4)) : merchant(wechatCode(9)));
    // An order with a failed then a succeeded attempt: any success wins.
    expectKind(await h.pay("M020", merchant(wechatCode(8))), "failed");
    expectKind(await h.pay("M020", merchant(wechatCode(5))), "succeeded");
    scripted.set("M020", "succeeded");
    const settled = await h.settled(numbers);
    expect(settled.size).toBe(100);
    for (const n of numbers) expect(settled.get(n)?.status, n).toBe(scripted.get(n) ?? "no_attempt");
    await expect(h.client.query(credentials, [...numbers, "M100"].map(sent))).rejects.toThrow(GatewayRequestInvalidError);
  });
});

describe("void and refund", () => {
  it("voids an awaiting order: voided; query and notice read 80102, which settle never calls succeeded", async () => {
    const h = await start();
    expectKind(await h.pay("V1", wechatQr), "awaiting_customer");
    const voided = expectKind(await h.client.void(credentials, "V1"), "voided");
    expect(voided.details.code).toBe(gatewayCodes.voided);

    const answer = expectKind(await h.client.query(credentials, [sent("V1")]), "answered").orders.get("V1");
    expect(answer).toMatchObject({ kind: "attempts", attempts: [{}] });
    const settlement = settle(answer);
    expect(settlement.status).not.toBe("succeeded");
    // The core reports the voided attempt as a final non-success whose code tells it apart from a
    // failure: a payer maps `gatewayCodes.voided` to `voided`, anything else to `failed`.
    expect(settlement).toMatchObject({ status: "failed", attempt: { details: { code: gatewayCodes.voided } } });

    // The sandbox's notice for the void: payment_status 0 with 80102, verifiable with the core.
    const [notice] = await h.receiver.waitFor("V1", 1);
    const parsed = parsePayResult(notice?.body ?? "", secureCode);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.result.payment_status).toBe("0");
    expect(parsePaymentDetails(parsed.result.payment_details).code).toBe(gatewayCodes.voided);
    expect((await h.ledger("V1")).json).toMatchObject({ charges: 0, status: "voided" });
    // The QR can no longer be paid.
    expect((await sendJson(`${h.base}/sandbox/scan`, "POST", { orderNumber: "V1", outcome: "succeeded" })).status).toBe(409);
  });

  it("refuses to void a paid order: refused with 20070, the order stays succeeded", async () => {
    const h = await start();
    expectKind(await h.pay("V2", merchant(wechatCode(0))), "succeeded");
    expect(await h.client.void(credentials, "V2")).toMatchObject({ kind: "refused", code: gatewayCodes.alreadyPaid });
    expect((await h.settled(["V2"])).get("V2")?.status).toBe("succeeded");
  });

  // The client signs applyRefund in the published order (no refund_number: Postman vector c719beb7…).
  it("accepts a refund of a paid order; more than captured is refused", async () => {
    const h = await start();
    const paid = expectKind(await h.pay("RF", merchant(wechatCode(0)), { amount: "10.00", items: [{ name: "Tea", sku: "T", price: "10.00", quantity: 1 }] }), "succeeded");
    const refund = (refundNumber: string, amount: string) =>
      h.client.refund({ credentials, paymentId: paid.paymentId, refundNumber, refundType: "partial", amount, description: "returned" });
    const accepted = expectKind(await refund("RF-1", "6.00"), "accepted");
    expect(accepted.refundId).toMatch(/^\d+$/);
    // 20081 (assumed code) is outside the 20001–20055 validation range: a refusal, not a rejection.
    expect(await refund("RF-2", "4.01")).toMatchObject({ kind: "refused", code: "20081" });
  });
});

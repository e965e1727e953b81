import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Reconciliation } from "@oceanpos/core/events";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import type { Payment } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import { type Refund, type RefundChange, RefundStore } from "@oceanpos/core/refunds";
import { type Sandbox, buildSandbox } from "@oceanpos/sandbox";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { addDays, dateInZone, parseInZone } from "../src/reconciliation/zoned-time.js";
import { Payments, account, adminToken, bearer, startLedger, testConfig, testStores } from "./harness.js";
import { orphanCharge, settled } from "./support.js";

const zone = "Asia/Shanghai";
const terminal = `${account}01`;
const credentials = { account, terminal, secureCode: "12345678" };
/** Yesterday in the gateway's zone: within the six months, not partial. */
const day = addDays(dateInZone(Date.now(), zone), -1);
const at = (time: string) => new Date(parseInZone(`${day} ${time}`, zone) as number);

/**
 * A loopback proxy in front of the sandbox that answers 503 to the refund queries (queryRefund and
 * the payment query that lists refunds) while `down`, and passes everything else through.
 */
async function refundQueryOutage(target: string): Promise<{ url: string; down: boolean; close(): Promise<void> }> {
  const state = { down: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (state.down && (req.url === "/service/queryRefund" || req.url === "/service/check/normal")) {
        res.writeHead(503).end("down");
        return;
      }
      void fetch(`${target}${req.url}`, { method: req.method ?? "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: Buffer.concat(chunks) })
        .then(async (answer) => res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" }).end(Buffer.from(await answer.arrayBuffer())))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

describe("daily reconciliation of the day's refunds", () => {
  const db = usePostgres();
  const redis = useRedis();
  let sandbox: Sandbox;
  let sandboxUrl: string;
  let outage: Awaited<ReturnType<typeof refundQueryOutage>>;
  let ledger: Ledger;
  let client: OceanpaymentClient;
  let now = new Date();
  let payments: Payments;
  let refunds: RefundStore;

  beforeEach(async () => {
    sandbox = buildSandbox({ credentials: testStores(), defaultTerminal: { account, terminal }, refundMs: 10 });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    sandboxUrl = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    outage = await refundQueryOutage(sandboxUrl);
    ledger = await startLedger(testConfig(db, redis, { OCEANPAYMENT_QUERY_URL: outage.url, RECONCILIATION_PAGE_ATTEMPTS: "2", RECONCILIATION_RETRY_DELAY_MS: "10" }));
    await db.pool().query("TRUNCATE events, payments, refunds, reconciliation_runs");
    payments = new Payments(redis.client(), redis.prefix, () => now);
    refunds = new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix, clock: () => now });
    client = new OceanpaymentClient({ gatewayUrl: sandboxUrl, queryUrl: sandboxUrl });
  });

  afterEach(async () => {
    await ledger.close();
    await client.close();
    await outage.close();
    await sandbox.close();
  });

  /** A payment charged at the gateway and succeeded here with the gateway's payment_id, at `time` of the day. */
  const charged = async (time: string, amount = "12.50"): Promise<Payment & { paymentId: string }> => {
    now = at(time);
    const payment = await payments.pay({ amount, createdAt: now, path: ["submitting"] });
    const paymentId = await orphanCharge(sandboxUrl, { orderNumber: payment.orderNumber, amount, at: now });
    const moved = await payments.store.transition(
      { account, orderNumber: payment.orderNumber },
      { to: "succeeded", source: "payer", code: "80000", set: { paymentId, gateway: { code: "80000", message: "Transaction Approved" } } },
    );
    expect(moved.outcome).toBe("applied");
    return { ...payment, paymentId };
  };
  /** A refund filed at the gateway (applyRefund), once the gateway has paid it out; answers its refund_id. */
  const refundThere = async (payment: Payment & { paymentId: string }, refundNumber: string, amount: string): Promise<string> => {
    const outcome = await client.refund({ credentials, paymentId: payment.paymentId, refundNumber, refundType: "full", amount });
    if (outcome.kind !== "accepted") throw new Error(`applyRefund: ${JSON.stringify(outcome)}`);
    const asked = { refundId: outcome.refundId, orderNumber: payment.orderNumber, paymentId: payment.paymentId, refundNumber, amount, currency: "USD" };
    await waitFor(async () => {
      const answer = await client.queryRefund(credentials, asked);
      return answer.kind === "answered" && answer.result === "succeeded";
    }, { timeoutMs: 5_000, message: `the sandbox to pay out refund ${refundNumber}` });
    return outcome.refundId;
  };
  /** Our refund of `payment`, moved through `path` at `time` of the day (`pending` learns `refundId`). */
  const refundHere = async (payment: Payment, refundNumber: string, amount: string, time: string | Date, refundId: string, path: RefundChange["to"][]): Promise<Refund> => {
    now = typeof time === "string" ? at(time) : time;
    const ref = { account, orderNumber: payment.orderNumber, refundNumber };
    const refund: Refund = {
      refundNumber, orderNumber: payment.orderNumber, storeId: payment.storeId, amount, currency: payment.currency,
      status: "accepted", version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString(), history: [{ status: "accepted", at: now.toISOString(), source: "intake" }],
    };
    const created = await refunds.create({ ...ref, refund, requestHash: "h" });
    if (created.outcome !== "created") throw new Error(`refund ${refundNumber}: ${created.outcome}`);
    let current = created.refund;
    for (const to of path) {
      const set = to === "pending" ? { refundId } : to === "succeeded" ? { gateway: { code: "80000", message: "Transaction Approved" } } : {};
      const moved = await refunds.transition(ref, { to, source: "payer", set });
      if (moved.outcome !== "applied") throw new Error(`refund ${refundNumber} to ${to}: ${moved.outcome}`);
      current = moved.refund;
    }
    return current;
  };
  const reconcile = async () => {
    await settled(redis);
    const started = await ledger.app.inject({ method: "POST", url: "/v1/reconciliations", headers: bearer(adminToken), payload: { date: day } });
    expect(started.statusCode, started.body).toBe(202);
    await ledger.reconciliations.idle();
    const res = await ledger.app.inject({ method: "GET", url: started.headers.location as string, headers: bearer(adminToken) });
    return res.json();
  };

  it("matches a refund paid out on both sides, settles one we hold pending, and reports one unknown there and one of another amount", async () => {
    const paid = await charged("10:00:00");
    await refundHere(paid, "R-paid", "5.00", "11:00:00", await refundThere(paid, "R-paid", "5.00"), ["submitting", "pending", "succeeded"]);
    const lagging = await charged("10:10:00");
    await refundHere(lagging, "R-lag", "12.50", "11:10:00", await refundThere(lagging, "R-lag", "12.50"), ["submitting", "pending"]);
    const unknown = await charged("10:20:00");
    await refundHere(unknown, "R-ghost", "1.00", "11:20:00", "999999999", ["submitting", "pending"]);
    const other = await charged("10:30:00");
    await refundHere(other, "R-more", "3.00", "11:30:00", await refundThere(other, "R-more", "2.00"), ["submitting", "pending", "succeeded"]);
    // Filed the next day and not changed since: not this day's.
    const next = await charged("10:40:00");
    await refundHere(next, "R-next", "1.00", new Date(at("11:40:00").getTime() + 86_400_000), "999999998", ["submitting", "pending"]);

    const run = await reconcile();
    expect(run.status, run.error).toBe("completed");
    const [result] = run.terminals;
    expect(result.discrepancies).toEqual([]);
    expect(result.refunds).toMatchObject({ checked: 4, matched: [{ currency: "USD", count: 1, amount: "5.00" }] });
    const found = result.refunds.discrepancies.map((d: { kind: string; refundNumber: string; action?: string; theirs: { status?: string } | null }) => [d.kind, d.refundNumber, d.action, d.theirs?.status]);
    expect(found.sort()).toEqual([
      ["refund_amount_mismatch", "R-more", undefined, null],
      ["refund_missing_there", "R-ghost", undefined, undefined],
      ["refund_status_mismatch", "R-lag", "settled", "succeeded"],
    ]);
    // Settled at once through the refunds' one mapping: the gateway's answer, recorded as a query's.
    const settledRefund = await refunds.get({ account, orderNumber: lagging.orderNumber, refundNumber: "R-lag" });
    expect(settledRefund?.status).toBe("succeeded");
    expect(settledRefund?.history.at(-1)).toMatchObject({ status: "succeeded", source: "query", reason: expect.stringMatching(/daily reconciliation/) });

    const events = await redis.client().xrange(redisKeys(redis.prefix).events, "-", "+");
    const completed = events.filter(([, fields]) => fields[1] === "reconciliation.completed");
    const data = JSON.parse(completed[0]?.[1][completed[0][1].indexOf("data") + 1] ?? "{}");
    expect(data.discrepancies).toMatchObject({ refund_status_mismatch: 1, refund_amount_mismatch: 1, refund_missing_there: 1, missing_there: 0 });
    // The event's documented shape (webhooks, the notifier's OpenAPI document).
    expect(Reconciliation.parse(data)).toEqual(data);
    const metrics = (await ledger.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^reconciliation_discrepancies\{kind="refund_missing_there",service="ledger"\} 1$/m);
    expect(metrics).toMatch(/^reconciliation_discrepancies\{kind="refund_status_mismatch",service="ledger"\} 1$/m);
  });

  it("fails the run with the reason when a refund's query gets no answer: nothing is marked matched", async () => {
    const paid = await charged("10:00:00");
    await refundHere(paid, "R-1", "5.00", "11:00:00", await refundThere(paid, "R-1", "5.00"), ["submitting", "pending", "succeeded"]);
    outage.down = true;
    const run = await reconcile();
    expect(run).toMatchObject({ status: "failed", terminals: [] });
    expect(run.error).toMatch(/refund R-1 of .* could not be asked about: http_5xx.*refundList: http_5xx/);
    outage.down = false;
    const again = await reconcile();
    expect(again.status, again.error).toBe("completed");
    expect(again.terminals[0].refunds).toEqual({ checked: 1, matched: [{ currency: "USD", count: 1, amount: "5.00" }], discrepancies: [] });
  });
});

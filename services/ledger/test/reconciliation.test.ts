import type { AddressInfo } from "node:net";
import { ReconcileSchedule } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import { type Sandbox, buildSandbox } from "@oceanpos/sandbox";
import { usePostgres, useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { addDays, addMonths, dateInZone, parseInZone } from "../src/reconciliation/zoned-time.js";
import { Payments, account, adminToken, apiKeys, bearer, orderNumber, startLedger, testConfig, testStores } from "./harness.js";
import { orphanCharge, settled } from "./support.js";

const zone = "Asia/Shanghai";
const terminal = `${account}01`;
/** Yesterday in the gateway's zone: within the six months, not partial. */
const day = addDays(dateInZone(Date.now(), zone), -1);
/** An instant of `day` (or of `date`) at a wall time of the zone. */
const at = (time: string, date = day) => new Date(parseInZone(`${date} ${time}`, zone) as number);

describe("daily reconciliation with Oceanpayment", () => {
  const db = usePostgres();
  const redis = useRedis();
  let sandbox: Sandbox;
  let sandboxUrl: string;
  let ledger: Ledger;
  /** The time our payments' transitions are recorded at (their time of success). */
  let now = new Date();
  let payments: Payments;

  beforeEach(async () => {
    sandbox = buildSandbox({ credentials: testStores(), defaultTerminal: { account, terminal } });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    sandboxUrl = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    ledger = await startLedger(testConfig(db, redis, { OCEANPAYMENT_QUERY_URL: sandboxUrl, RECONCILIATION_PAGE_ATTEMPTS: "2", RECONCILIATION_RETRY_DELAY_MS: "10" }));
    await db.pool().query("TRUNCATE events, payments, refunds, reconciliation_runs");
    payments = new Payments(redis.client(), redis.prefix, () => now);
  });

  afterEach(async () => {
    await ledger.close();
    await sandbox.close();
  });

  /** Our payment, created and moved through `path` at `time` of the day. */
  const ours = async (time: string, options: Parameters<Payments["pay"]>[0] = {}, date = day) => {
    now = at(time, date);
    return payments.pay({ createdAt: now, ...options });
  };
  /** The gateway's charge of an order, at `time` of the day (gateway time). */
  const charge = (number: string, time: string, amount = "12.50", currency = "USD", date = day) => orphanCharge(sandboxUrl, { orderNumber: number, amount, currency, at: at(time, date) });
  const faults = (update: Record<string, number>) =>
    fetch(`${sandboxUrl}/sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(update) });
  const start = (body: unknown, token = adminToken) => ledger.app.inject({ method: "POST", url: "/v1/reconciliations", headers: bearer(token), payload: body as object });
  /** Starts a run of `day` and answers it once it has ended. */
  const reconcile = async () => {
    await settled(redis);
    const started = await start({ date: day });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ date: day, timeZone: zone, status: "running", partial: false, requestedBy: "admin" });
    await ledger.reconciliations.idle();
    const res = await ledger.app.inject({ method: "GET", url: started.headers.location as string, headers: bearer(adminToken) });
    return res.json();
  };

  it("matches every charge of the day, page after page, with exact sums per currency, and says so in an event and the metrics", async () => {
    // 101 charges: two pages of the gateway's 100.
    const charges: Promise<unknown>[] = [];
    for (let i = 0; i < 101; i++) {
      const time = `10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`;
      const payment = await ours(time, { amount: i === 0 ? "0.15" : "0.10" });
      charges.push(charge(payment.orderNumber, time, i === 0 ? "0.15" : "0.10"));
    }
    await Promise.all(charges);
    const yen = await ours("23:59:30", { currency: "JPY", amount: "1200" });
    await charge(yen.orderNumber, "23:59:30", "1200", "JPY");
    const run = await reconcile();
    expect(run).toMatchObject({ status: "completed", partial: false, terminals: [{ account, terminal, discrepancies: [] }] });
    expect(run.terminals[0].matched).toEqual([
      { currency: "JPY", count: 1, amount: "1200" },
      { currency: "USD", count: 101, amount: "10.15" },
    ]);
    const pages = await sandbox.metrics.requests.get();
    expect(pages.values.filter((v) => v.labels.endpoint === "ordersList").reduce((n, v) => n + v.value, 0)).toBe(2);
    const events = await redis.client().xrange(redisKeys(redis.prefix).events, "-", "+");
    const completed = events.filter(([, fields]) => fields[1] === "reconciliation.completed");
    expect(completed).toHaveLength(1);
    const data = JSON.parse(completed[0]?.[1][completed[0][1].indexOf("data") + 1] ?? "{}");
    expect(data).toMatchObject({ id: run.id, date: day, discrepancies: { missing_here: 0, missing_there: 0, amount_mismatch: 0, status_mismatch: 0 } });
    const metrics = (await ledger.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^reconciliation_discrepancies\{kind="missing_here",service="ledger"\} 0$/m);
    expect(metrics).toMatch(/^reconciliation_runs_total\{status="completed",service="ledger"\} 1$/m);
  });

  it("reports each discrepancy, asks the payer to query a payment held in another status, and matches across midnight", async () => {
    const orphan = orderNumber("ORPH");
    await charge(orphan, "09:00:00");
    const failed = await ours("10:00:00", { path: ["submitting", "failed"] });
    await charge(failed.orderNumber, "10:00:00");
    const pending = await ours("10:05:00", { path: ["submitting", "pending"] });
    await charge(pending.orderNumber, "10:05:00");
    const unlisted = await ours("11:00:00");
    const cheaper = await ours("12:00:00");
    await charge(cheaper.orderNumber, "12:00:00", "12.00");
    // Clocks differ by seconds: listed at 23:59:58 the day before, created and succeeded here just
    // after midnight. Matched across midnight, it is the day before's (the gateway's time decides).
    const late = await ours("00:00:01", { path: ["submitting"] });
    await charge(late.orderNumber, "23:59:58", "12.50", "USD", addDays(day, -1));
    now = at("00:00:03");
    await payments.store.transition({ account, orderNumber: late.orderNumber }, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: "P1", gateway: { code: "80000", message: "Transaction Approved" } } });
    // Succeeded here at 23:59:59, listed at 00:00:02 the next day: the next day's.
    const early = await ours("23:59:59");
    await charge(early.orderNumber, "00:00:02", "12.50", "USD", addDays(day, 1));
    // A QR shown at 23:30 the day before (the gateway lists the attempt then), paid at 00:20: the day before's.
    const qr = await ours("23:30:00", { path: ["submitting", "awaiting_customer"] }, addDays(day, -1));
    await charge(qr.orderNumber, "23:30:00", "12.50", "USD", addDays(day, -1));
    now = at("00:20:00");
    await payments.store.transition({ account, orderNumber: qr.orderNumber }, { to: "succeeded", source: "notice", code: "80000", set: { paymentId: "P3", gateway: { code: "80000", message: "Transaction Approved" } } });
    // Listed at 23:59:50, the customer's confirmation after midnight: this day's, matched.
    const confirmed = await ours("23:59:50", { path: ["submitting", "pending"] });
    await charge(confirmed.orderNumber, "23:59:50");
    now = at("00:00:05", addDays(day, 1));
    await payments.store.transition({ account, orderNumber: confirmed.orderNumber }, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: "P2", gateway: { code: "80000", message: "Transaction Approved" } } });

    const schedule = new ReconcileSchedule({ redis: redis.client(), keyPrefix: redis.prefix });
    const ref = (number: string) => ({ account, orderNumber: number });
    expect(await schedule.dueAt(ref(failed.orderNumber))).toBeUndefined();
    const before = Date.now();
    const run = await reconcile();
    expect(run.status).toBe("completed");
    const [result] = run.terminals;
    expect(result.matched).toEqual([{ currency: "USD", count: 1, amount: "12.50" }]);
    const found = result.discrepancies.map((d: { kind: string; orderNumber: string; action?: string }) => [d.kind, d.orderNumber, d.action]);
    expect(found).toEqual(
      [
        ["amount_mismatch", cheaper.orderNumber, undefined],
        ["missing_here", orphan, undefined],
        ["missing_there", unlisted.orderNumber, undefined],
        ["status_mismatch", failed.orderNumber, "query_requested"],
        ["status_mismatch", pending.orderNumber, "query_requested"],
      ].sort((a, b) => (`${a[0]}${a[1]}` < `${b[0]}${b[1]}` ? -1 : 1)),
    );
    const amount = result.discrepancies.find((d: { kind: string }) => d.kind === "amount_mismatch");
    expect(amount).toMatchObject({ ours: { amount: "12.50", currency: "USD", status: "succeeded" }, theirs: { amount: "12.00", currency: "USD", method: "WeChatPay_Offline" } });
    const missing = result.discrepancies.find((d: { kind: string }) => d.kind === "missing_here");
    expect(missing).toMatchObject({ ours: null, theirs: { dateTime: `${day} 09:00:00` } });
    // The payers' reconciler is asked, the way a notice it could not apply asks: due now.
    for (const number of [failed.orderNumber, pending.orderNumber]) expect(await schedule.dueAt(ref(number))).toBeGreaterThanOrEqual(before - 1000);
    const metrics = (await ledger.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^reconciliation_discrepancies\{kind="status_mismatch",service="ledger"\} 2$/m);
    expect(metrics).toMatch(/^reconciliation_discrepancies\{kind="missing_here",service="ledger"\} 1$/m);
  });

  it("fails the run with the reason when a page does not verify or does not answer: nothing is marked matched", async () => {
    const payment = await ours("10:00:00");
    await charge(payment.orderNumber, "10:00:00");
    await faults({ badSignatureRate: 1 });
    const forged = await reconcile();
    expect(forged).toMatchObject({ status: "failed", terminals: [] });
    expect(forged.error).toMatch(/page 1 unusable after 2 tries \(signature_invalid/);
    await faults({ badSignatureRate: 0, errorRate: 1 });
    const down = await reconcile();
    expect(down).toMatchObject({ status: "failed", terminals: [] });
    expect(down.error).toMatch(/page 1 unusable after 2 tries \(http_5xx/);
    const metrics = (await ledger.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^reconciliation_runs_total\{status="failed",service="ledger"\} 2$/m);
    // Listed: both failed runs of the day, newest first.
    const listed = await ledger.app.inject({ method: "GET", url: `/v1/reconciliations?date=${day}`, headers: bearer(adminToken) });
    expect(listed.json().data.map((r: { id: string }) => r.id)).toEqual([down.id, forged.id]);
  });

  it("answers 409 with the running run when the day is being reconciled", async () => {
    await faults({ latencyMs: 400 });
    const first = await start({ date: day });
    expect(first.statusCode).toBe(202);
    const second = await start({ date: day, timeZone: zone });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: "reconciliation_running", requestId: expect.any(String) }, run: { id: first.json().id, status: "running" } });
    expect(second.headers.location).toBe(`/v1/reconciliations/${first.json().id}`);
    // Another zone's day is another day.
    expect((await start({ date: day, timeZone: "UTC" })).statusCode).toBe(202);
    await ledger.reconciliations.idle();
    expect((await start({ date: day })).statusCode).toBe(202);
    await ledger.reconciliations.idle();
  });

  it("today's run lists the second it starts in once that second is over, and leaves what succeeded after it to the next run", async () => {
    // The ledger's clock stops half a second into a whole second, a few seconds ago.
    const clock = Math.floor(Date.now() / 1000) * 1000 - 3000 + 500;
    await ledger.close();
    ledger = await startLedger(testConfig(db, redis, { OCEANPAYMENT_QUERY_URL: sandboxUrl }), undefined, { clock: () => clock });
    const today = dateInZone(clock, zone);
    // Charged and succeeded in the second the run starts in: listed (the run waits for the second to end) and matched.
    now = new Date(clock - 200);
    const justPaid = await payments.pay({ createdAt: now, amount: "7.50" });
    await orphanCharge(sandboxUrl, { orderNumber: justPaid.orderNumber, amount: "7.50", currency: "USD", at: now });
    // Succeeded after that second (while the run lists): not judged yet, not "missing there".
    now = new Date(clock + 1500);
    await payments.pay({ createdAt: now });
    await settled(redis);
    const started = await start({ date: today });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json().partial).toBe(true);
    await ledger.reconciliations.idle();
    const run = (await ledger.app.inject({ method: "GET", url: started.headers.location as string, headers: bearer(adminToken) })).json();
    expect(run).toMatchObject({ status: "completed", partial: true, terminals: [{ account, terminal, discrepancies: [] }] });
    expect(run.terminals[0].matched).toEqual([{ currency: "USD", count: 1, amount: "7.50" }]);
  });

  it("refuses a future day, one beyond six months, a bad zone or body, and callers other than the operator", async () => {
    const today = dateInZone(Date.now(), zone);
    const issue = async (body: unknown) => {
      const res = await start(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      return res.json().error.issues;
    };
    expect(await issue({ date: addDays(today, 2) })).toEqual([{ path: "date", message: expect.stringMatching(/future/) }]);
    expect(await issue({ date: addDays(today, -200) })).toEqual([{ path: "date", message: expect.stringMatching(/six months/) }]);
    // The first day of the six months is listed from 23:50 the day before, which the gateway refuses.
    expect(await issue({ date: addMonths(today, -6) })).toEqual([{ path: "date", message: expect.stringMatching(/six months/) }]);
    expect(await issue({ date: day, timeZone: "Mars/Olympus" })).toEqual([{ path: "timeZone", message: expect.any(String) }]);
    expect(await issue({ date: "2026-02-30" })).toEqual([{ path: "date", message: expect.any(String) }]);
    expect(await issue({ date: day, terminal: "x" })).toHaveLength(1);
    expect((await ledger.app.inject({ method: "GET", url: "/v1/reconciliations?from=2026-01-02&to=2026-01-01", headers: bearer(adminToken) })).statusCode).toBe(400);
    expect((await ledger.app.inject({ method: "GET", url: "/v1/reconciliations", headers: bearer(adminToken) })).statusCode).toBe(400);
    expect((await start({ date: day }, apiKeys.a)).statusCode).toBe(403);
    expect((await ledger.app.inject({ method: "POST", url: "/v1/reconciliations", payload: { date: day } })).statusCode).toBe(401);
    expect((await ledger.app.inject({ method: "GET", url: `/v1/reconciliations?date=${day}`, headers: bearer(apiKeys.a) })).statusCode).toBe(403);
    // Today is allowed, and marked partial.
    const partial = await start({ date: today });
    expect(partial.statusCode).toBe(202);
    expect(partial.json().partial).toBe(true);
    await ledger.reconciliations.idle();
    // A run of today alerts no one: the metrics show whole days only.
    const metrics = (await ledger.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^reconciliation_runs_total\{status="completed",service="ledger"\} 1$/m);
    expect(metrics).not.toMatch(/^reconciliation_discrepancies\{/m);
  });
});

describe("the daily schedule", () => {
  const db = usePostgres();
  const redis = useRedis();
  const ledgers: Ledger[] = [];
  let sandbox: Sandbox;

  afterEach(async () => {
    await Promise.all(ledgers.splice(0).map((l) => l.close()));
    await sandbox.close();
  });

  it("starts the day before's run once across two ledgers, after RECONCILIATION_AT in the zone", async () => {
    sandbox = buildSandbox({ credentials: testStores() });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    const today = dateInZone(Date.now(), zone);
    let clock = at("01:59:00", today).getTime();
    const config = testConfig(db, redis, { OCEANPAYMENT_QUERY_URL: url, RECONCILIATION_AT: "02:00" });
    for (const name of ["ledger-a", "ledger-b"]) ledgers.push(await startLedger(config, name, { clock: () => clock, reconciliationTickMs: 3_600_000 }));
    await db.pool().query("TRUNCATE reconciliation_runs");
    const tickAll = () => Promise.all(ledgers.map((l) => l.dailyReconciliation.tick()));
    expect(await tickAll()).toEqual([undefined, undefined]);
    clock = at("02:00:00", today).getTime();
    const started = [...(await tickAll()), ...(await tickAll()), ...(await tickAll())].filter((d) => d !== undefined);
    expect(started).toEqual([addDays(today, -1)]);
    await Promise.all(ledgers.map((l) => l.reconciliations.idle()));
    const { rows } = await db.pool().query("SELECT to_char(date, 'YYYY-MM-DD') AS date, requested_by, status FROM reconciliation_runs");
    expect(rows).toEqual([{ date: addDays(today, -1), requested_by: "schedule", status: "completed" }]);
  });
});

import type { SeenEvent } from "./event-tailer.js";
import { type HttpClient, sleep } from "./http-client.js";
import { type PlannedRefund, type RefundSubmission, type RefundablePayment, planRefunds, submitRefunds } from "./refund-plan.js";
import { type RefundLedgerOrder, type RefundVerdict, verifyRefunds } from "./refund-verify.js";
import { tally } from "./report.js";

export interface RefundRunOptions {
  http: HttpClient;
  intakeUrl: string;
  sandboxUrl: string;
  random: () => number;
  /** Share of the payments offered to a wave that get refunds. */
  share: number;
  /**
   * The merchant balance goes short before the first wave's requests, and comes back once the
   * gateway holds one of its refunds (or after `maxMs`), not before `minMs`.
   */
  shortBalance: { minMs: number; maxMs: number };
  log: (line: string) => void;
}

/** What the refunds did and found. */
export interface RefundPhaseReport extends RefundVerdict {
  planned: number;
  waves: number;
  heldByShortBalance: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  settledAfterMs: number | null;
}

/**
 * The chaos run's refunds, made while the disruptions go on: from `start` on, waves plan refunds
 * (full, partial, several partial, concurrent duplicates of one refundNumber, some exceeding the
 * payment) for part of the payments that have newly succeeded and send them through intake, over
 * a stretch of the chaos script (kills, a Redis restart, faults), the merchant balance short
 * from the first wave on for a while (`shortBalance`). At the end, `awaitFinal` waits (bounded)
 * until every refund is final and `verdict` checks intake, the sandbox ledger and the event log
 * (`refund-verify.ts`).
 */
export class RefundRun {
  readonly plan: PlannedRefund[] = [];
  readonly submissions = new Map<string, RefundSubmission>();
  finals = new Map<string, string>();
  waves = 0;
  /** Refunds the gateway held while the balance was short, paid out when it came back. */
  heldByShortBalance = 0;
  private readonly offered = new Set<string>();
  private readonly sending: Promise<void>[] = [];
  private startedAt: number | undefined;
  private settledAfterMs: number | null = null;

  constructor(private readonly o: RefundRunOptions) {}

  /**
   * Until `done()`, every `everyMs`: a wave on the payments `succeeded()` names that no wave was
   * offered before, its requests spread over the next `everyMs`. In the background: the waves'
   * requests are awaited by `awaitFinal`.
   */
  start(succeeded: () => readonly RefundablePayment[], done: () => boolean, everyMs: number): void {
    this.startedAt ??= Date.now();
    this.sending.push(
      (async () => {
        while (!done()) {
          await this.wave(succeeded(), everyMs);
          await sleep(everyMs);
        }
      })(),
    );
  }

  /** Plans refunds on the payments not offered before and sends them over `spreadMs` (in the background); the first one with the balance short. */
  private async wave(payments: readonly RefundablePayment[], spreadMs: number): Promise<void> {
    const fresh = payments.filter((p) => !this.offered.has(p.orderNumber));
    for (const p of fresh) this.offered.add(p.orderNumber);
    const plan = planRefunds(fresh, this.o.random, this.o.share);
    if (plan.length === 0) return;
    if (this.waves === 0) {
      await this.balance(false);
      this.sending.push(this.balanceBack());
    }
    this.waves++;
    this.plan.push(...plan);
    this.o.log(`refunds: wave ${this.waves} at +${((Date.now() - (this.startedAt ?? Date.now())) / 1000).toFixed(1)} s: ${plan.length} requests on ${new Set(plan.map((r) => r.orderNumber)).size} of ${fresh.length} newly succeeded payments (${JSON.stringify(tally(plan.map((r) => r.kind)))})`);
    this.sending.push(
      submitRefunds(this.o.http, this.o.intakeUrl, plan, { spreadMs }).then((submissions) => {
        for (const [n, s] of submissions) this.submissions.set(n, s);
      }),
    );
  }

  /** Sets the sandbox's merchant balance: short, new refunds wait `pending` until it is set back (then `released` counts them). */
  private async balance(sufficient: boolean): Promise<void> {
    const res = await this.o.http.json<{ released?: number }>("POST", `${this.o.sandboxUrl}/sandbox/balance`, { body: { sufficient }, timeoutMs: 10_000 });
    if (res.status !== 200) throw new Error(`POST /sandbox/balance answered ${res.status}`);
    if (sufficient) {
      this.heldByShortBalance += res.body.released ?? 0;
      this.o.log(`refunds: the merchant balance is back: ${res.body.released ?? 0} refunds the gateway held are paid out`);
    } else {
      this.o.log("refunds: the merchant balance is short: new refunds wait pending");
    }
  }

  /** The balance back once the gateway holds a refund (`shortBalance`). */
  private async balanceBack(): Promise<void> {
    const began = Date.now();
    await sleep(this.o.shortBalance.minMs);
    while (Date.now() - began < this.o.shortBalance.maxMs) {
      const res = await this.o.http.json<{ held?: number }>("GET", `${this.o.sandboxUrl}/sandbox/balance`, { timeoutMs: 10_000 }).catch(() => undefined);
      if ((res?.body.held ?? 0) > 0) break;
      await sleep(500);
    }
    await this.balance(true);
  }

  /** Waits for every wave's requests, then (until `deadline`) for every refund intake knows to be final. */
  async awaitFinal(deadline: number): Promise<void> {
    // A wave may add its requests while earlier ones are awaited.
    for (let awaited = 0; awaited < this.sending.length; ) {
      const upTo = this.sending.length;
      await Promise.all(this.sending.slice(awaited, upTo));
      awaited = upTo;
    }
    const payments = [...new Map(this.plan.map((r) => [r.orderNumber, r.apiKey])).entries()];
    const open = () => [...this.finals.values()].filter((s) => s !== "succeeded" && s !== "failed").length;
    this.finals = await fetchRefunds(this.o.http, this.o.intakeUrl, payments);
    while (open() > 0 && Date.now() < deadline) {
      await sleep(1_000);
      this.finals = await fetchRefunds(this.o.http, this.o.intakeUrl, payments);
    }
    this.settledAfterMs = open() === 0 ? Date.now() - (this.startedAt ?? Date.now()) : null;
    this.o.log(`refunds: ${this.finals.size} known to intake, ${open()} not final${this.settledAfterMs === null ? " at the deadline" : ` ${(this.settledAfterMs / 1000).toFixed(1)} s after the first wave`}`);
  }

  /** The checks, against every event read from the log (payment events are ignored). */
  async verdict(events: readonly SeenEvent[]): Promise<RefundPhaseReport> {
    const ledger = this.plan.length === 0 ? [] : await fetchRefundLedger(this.o.http, this.o.sandboxUrl);
    const verdict = verifyRefunds({ plan: this.plan, submissions: this.submissions, finals: this.finals, ledger, events });
    return {
      ...verdict,
      planned: this.plan.length,
      waves: this.waves,
      heldByShortBalance: this.heldByShortBalance,
      byKind: tally(this.plan.map((r) => r.kind)),
      statuses: tally([...this.finals.values()]),
      settledAfterMs: this.plan.length === 0 ? 0 : this.settledAfterMs,
    };
  }
}

/** refundNumber → status, from `GET /v1/payments/{orderNumber}/refunds` of every payment (its store's key). */
async function fetchRefunds(http: HttpClient, intakeUrl: string, payments: readonly (readonly [orderNumber: string, apiKey: string])[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < payments.length) {
      const [orderNumber, apiKey] = payments[next++] as readonly [string, string];
      for (let attempt = 0; ; attempt++) {
        const res = await http.json<{ data: { refundNumber: string; status: string }[] }>("GET", `${intakeUrl}/v1/payments/${orderNumber}/refunds`, { token: apiKey, timeoutMs: 10_000 }).catch(() => undefined);
        if (res?.status === 200) {
          for (const r of res.body.data) out.set(r.refundNumber, r.status);
          break;
        }
        if (attempt >= 20) throw new Error(`GET refunds of ${orderNumber} answered ${res?.status ?? "nothing"}`);
        await sleep(250);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

async function fetchRefundLedger(http: HttpClient, sandboxUrl: string): Promise<RefundLedgerOrder[]> {
  const res = await http.json<{ orders: RefundLedgerOrder[] }>("GET", `${sandboxUrl}/sandbox/ledger`, { timeoutMs: 30_000 });
  if (res.status !== 200) throw new Error(`GET /sandbox/ledger answered ${res.status}`);
  return res.body.orders.map((order) => ({ orderNumber: order.orderNumber, charged: order.charged, refunded: order.refunded, refunds: order.refunds ?? [] }));
}

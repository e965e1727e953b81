import { setTimeout as sleep } from "node:timers/promises";
import type { EventOutbox } from "@oceanpos/core/events";
import type { Logger } from "@oceanpos/core/logger";
import type { OceanpaymentCredentials } from "@oceanpos/core/oceanpayment";
import type { Payment, PaymentStore, ReconcileSchedule } from "@oceanpos/core/payments";
import { type Refund, type RefundStore, isRefundFinal } from "@oceanpos/core/refunds";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type pg from "pg";
import type { LedgerMetrics } from "../metrics.js";
import { paymentsNumbered, refundsBetween, succeededBetween } from "./archive-day.js";
import { type ListedCharge, compareDay, currencyTotals } from "./compare-day.js";
import { type RefundFinding, compareRefund } from "./compare-refunds.js";
import { type GatewayDay, GatewayListError } from "./gateway-day.js";
import { type Discrepancy, type ReconciliationRun, type RefundDiscrepancy, type RefundResult, type TerminalResult, discrepancyCounts } from "./run.js";
import type { RunStore, StartResult } from "./run-store.js";
import { dayBounds, formatInZone, parseInZone } from "./zoned-time.js";

/** Charges this close to midnight are matched across it (the contract's ten minutes). */
export const midnightToleranceMs = 10 * 60 * 1000;

export interface ReconciliationRunnerOptions {
  pool: pg.Pool;
  runs: RunStore;
  stores: StoreRegistry;
  gateway: GatewayDay;
  /** `GATEWAY_TIME_ZONE`: the zone of the gateway's `yyyy-mm-dd HH:mm:ss` times. */
  gatewayTimeZone: string;
  /** A `status_mismatch` asks the payer's reconciler for a query, as a notice that cannot be applied does. */
  payments: Pick<PaymentStore, "get" | "awaitsOperator">;
  schedule: Pick<ReconcileSchedule, "scheduleAt">;
  /** A `refund_status_mismatch` records the gateway's answer at once, as the payers' refund reconciler would. */
  refunds: Pick<RefundStore, "transition">;
  outbox: EventOutbox;
  metrics: LedgerMetrics;
  logger: Logger;
  /** How often a running run renews its heartbeat. */
  heartbeatMs: number;
  clock?: () => number;
}

/** A terminal of the stores file and the stores on it. */
interface Terminal {
  credentials: OceanpaymentCredentials;
  storeIds: string[];
}

/**
 * Runs reconciliations: starts a run (one row; see {@link RunStore.start}), then, in the
 * background, compares every configured terminal's day with the gateway's list, settles each
 * `status_mismatch` by asking for a query, asks the gateway about each refund of the day (settling
 * a `refund_status_mismatch` with its answer), stores the result and emits
 * `reconciliation.completed`. Any terminal whose list, or any refund whose answer, cannot be had
 * fails the whole run with the reason.
 */
export class ReconciliationRunner {
  private readonly stop = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly clock: () => number;

  constructor(private readonly options: ReconciliationRunnerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Starts a run for `date` in `timeZone`, or answers the one running for that day. */
  async start(input: { date: string; timeZone: string; requestedBy: string }): Promise<StartResult> {
    const { end } = dayBounds(input.date, input.timeZone);
    const result = await this.options.runs.start({ ...input, partial: end > this.clock() });
    if (result.started) {
      const work = this.execute(result.run).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }
    return result;
  }

  /** Runs in progress are failed ("shutting down") and awaited. Safe to call twice. */
  async close(): Promise<void> {
    this.stop.abort();
    await Promise.all([...this.inFlight]);
  }

  /** Resolves once every run this process started has ended (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async execute(run: ReconciliationRun): Promise<void> {
    const { runs, logger, metrics, heartbeatMs } = this.options;
    const log = logger.child({ reconciliation: run.id, date: run.date, timeZone: run.timeZone });
    const heartbeat = setInterval(() => void runs.heartbeat(run.id).catch(() => undefined), heartbeatMs);
    try {
      const terminals: TerminalResult[] = [];
      for (const terminal of this.terminals()) terminals.push(await this.reconcileTerminal(run, terminal));
      const done = await runs.complete(run.id, terminals);
      const counts = discrepancyCounts(terminals);
      metrics.reconciliationRuns.inc({ status: "completed" });
      log[Object.values(counts).some((n) => n > 0) ? "warn" : "info"]({ discrepancies: counts }, "reconciliation completed");
      await this.emit(done, counts).catch((err: unknown) => log.error({ err }, "reconciliation.completed not emitted (Redis); the run is stored"));
    } catch (error) {
      const reason = this.stop.signal.aborted ? "the ledger shut down during the run" : error instanceof GatewayListError ? error.message : `internal error: ${(error as Error).message}`;
      metrics.reconciliationRuns.inc({ status: "failed" });
      log.error({ reason }, "reconciliation failed");
      await runs.fail(run.id, reason).catch((err: unknown) => log.error({ err }, "could not record the failed reconciliation"));
    } finally {
      clearInterval(heartbeat);
    }
  }

  private emit(run: ReconciliationRun, counts: Record<string, number>): Promise<string> {
    return this.options.outbox.append("reconciliation.completed", {
      id: run.id,
      date: run.date,
      timeZone: run.timeZone,
      partial: run.partial,
      startedAt: run.startedAt,
      completedAt: run.completedAt,
      matched: run.terminals.flatMap((t) => t.matched.map((m) => ({ account: t.account, terminal: t.terminal, ...m }))),
      discrepancies: counts,
    });
  }

  /** Distinct account+terminal pairs of the stores file, each with its stores. */
  private terminals(): Terminal[] {
    const byTerminal = new Map<string, Terminal>();
    for (const store of this.options.stores.all) {
      const { account, terminal, secureCode } = store.oceanpayment;
      const key = `${account}:${terminal}`;
      const entry = byTerminal.get(key) ?? { credentials: { account, terminal, secureCode }, storeIds: [] };
      entry.storeIds.push(store.id);
      byTerminal.set(key, entry);
    }
    return [...byTerminal.values()];
  }

  private async reconcileTerminal(run: ReconciliationRun, terminal: Terminal): Promise<TerminalResult> {
    const { pool, gateway, gatewayTimeZone } = this.options;
    const { start, end } = dayBounds(run.date, run.timeZone);
    const tolerance = midnightToleranceMs;
    const daySucceeded = await succeededBetween(pool, terminal.storeIds, start - tolerance, end + tolerance);
    // The gateway lists a charge at its attempt's time: from the creation of the day's earliest
    // success (a QR paid long after it was shown), and ten minutes around the day.
    const earliest = daySucceeded.reduce((min, p) => (p.succeededAt !== null && p.succeededAt >= start ? Math.min(min, p.createdAt) : min), start);
    const begin = formatInZone(earliest - tolerance, gatewayTimeZone);
    // Today's run (partial) lists up to the second now is in, once it is over (a closed range does
    // not shift while it is paged), and judges only what happened before that: a payment that
    // succeeded after the list's last second is not "missing there" (it is the next run's).
    const until = Math.min(end + tolerance, Math.floor(this.clock() / 1000) * 1000 + 1000);
    if (until > this.clock()) await sleep(until - this.clock(), undefined, { signal: this.stop.signal });
    const last = formatInZone(until - 1000, gatewayTimeZone);
    const listed = await gateway.orders(terminal.credentials, begin, last, this.stop.signal);
    const theirs: ListedCharge[] = listed.map((order) => ({ ...order, at: parseInZone(order.dateTime, gatewayTimeZone) as number }));
    const numbered = await paymentsNumbered(pool, terminal.storeIds, [...new Set(theirs.map((t) => t.orderNumber))]);
    const known = new Set(daySucceeded.map((p) => `${p.storeId}\u0000${p.orderNumber}\u0000${p.createdAt}`));
    const ours = [...daySucceeded, ...numbered.filter((p) => !known.has(`${p.storeId}\u0000${p.orderNumber}\u0000${p.createdAt}`))];
    const compared = compareDay({ start, end: Math.min(end, until), toleranceMs: tolerance, theirs, ours });
    const discrepancies = await Promise.all(compared.discrepancies.map((d) => this.settle(d, terminal)));
    const refunds = await this.reconcileRefunds(terminal, start, end);
    return { account: terminal.credentials.account, terminal: terminal.credentials.terminal, matched: compared.matched, discrepancies, refunds };
  }

  /**
   * The terminal's refunds created or last changed in `[start, end)`, one by one (paced by the
   * terminal's rate limit): matched are those succeeded on both sides; any refund the gateway
   * cannot be asked about fails the run (never a partial "all matched").
   */
  private async reconcileRefunds(terminal: Terminal, start: number, end: number): Promise<RefundResult> {
    const archived = await refundsBetween(this.options.pool, terminal.storeIds, start, end);
    const matched = new Map<string, string[]>();
    const discrepancies: RefundDiscrepancy[] = [];
    for (const { refund, payment } of archived) {
      const finding = await this.askAboutRefund(terminal, refund, payment);
      switch (finding.kind) {
        case "unusable":
          throw new GatewayListError(`refund ${refund.refundNumber} of ${refund.orderNumber} could not be asked about: ${finding.why}`);
        case "agreed":
          if (refund.status === "succeeded") matched.set(refund.currency, [...(matched.get(refund.currency) ?? []), refund.amount]);
          break;
        case "discrepancy":
          discrepancies.push(await this.settleRefund(finding, terminal));
          break;
        default: {
          const never: never = finding;
          return never;
        }
      }
    }
    return { checked: archived.length, matched: currencyTotals(matched), discrepancies };
  }

  private async askAboutRefund(terminal: Terminal, refund: Refund, payment: Payment | null): Promise<RefundFinding> {
    const { gateway } = this.options;
    if (payment?.paymentId === undefined) return { kind: "unusable", why: "the archive holds no charged payment for it" };
    const paid = { ...payment, paymentId: payment.paymentId };
    const finding = compareRefund(refund, await gateway.refund(terminal.credentials, paid, refund, this.stop.signal));
    if (finding.kind !== "unusable" || refund.refundId === undefined) return finding;
    // queryRefund answers a refund_id it does not know as it answers trouble: only the payment's
    // refundList, read whole, can say the gateway holds no such refund.
    const { refundId: _known, ...unfiled } = refund;
    const listed = compareRefund(refund, await gateway.refund(terminal.credentials, paid, unfiled, this.stop.signal));
    return listed.kind === "unusable" ? { kind: "unusable", why: `${finding.why}; its payment's refundList: ${listed.why}` } : listed;
  }

  /**
   * A `refund_status_mismatch` with an answer to record is settled at once: the gateway's answer
   * goes through the refund store as the payers' reconciler records it (a success for a refund
   * held `failed` goes to `needs_review`, a contradiction for a person). The other kinds, and a
   * refund held final or still pending at the gateway, are reported for a person.
   */
  private async settleRefund(finding: Extract<RefundFinding, { kind: "discrepancy" }>, terminal: Terminal): Promise<RefundDiscrepancy> {
    const { discrepancy: d, change } = finding;
    if (d.kind !== "refund_status_mismatch") return d;
    if (!change) return { ...d, action: "for_review" };
    const ref = { account: terminal.credentials.account, orderNumber: d.orderNumber, refundNumber: d.refundNumber };
    const reason = `daily reconciliation: the gateway says ${change.to}`;
    const result = await this.options.refunds.transition(ref, { ...change, reason }, isRefundFinal(change.to) ? { reconcile: "remove" } : {});
    if (result.outcome === "not_found") return { ...d, action: "not_in_redis" };
    return { ...d, action: result.refund.status === change.to ? "settled" : "for_review" };
  }

  /**
   * A `status_mismatch` is settled at once the way a notice that cannot be applied is: the
   * payment's query is due now in the payers' reconcile schedule, and their reconciler applies
   * the gateway's answer (pending or needs_review → succeeded; failed or voided → needs_review).
   * The other kinds are for a person (alerts); they are only reported.
   */
  private async settle(d: Discrepancy, terminal: Terminal): Promise<Discrepancy> {
    if (d.kind !== "status_mismatch") return d;
    const ref = { account: terminal.credentials.account, orderNumber: d.orderNumber };
    const payment = await this.options.payments.get(ref);
    const action = !payment ? "not_in_redis" : (await this.options.payments.awaitsOperator(ref)) ? "awaiting_operator" : "query_requested";
    if (action === "query_requested") await this.options.schedule.scheduleAt(ref, this.clock());
    return { ...d, action };
  }
}

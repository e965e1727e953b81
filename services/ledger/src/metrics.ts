import { HttpMetrics } from "@oceanpos/core/http";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Why an entry read by the drain added no row of its own. */
export type SkipReason = "already_archived" | "unreadable_resource" | "deleted_from_stream";

/** The ledger's metrics, registered on the process registry. */
export class LedgerMetrics {
  readonly eventsArchived: Counter;
  readonly eventsSkipped: Counter<"reason">;
  readonly batchDuration: Histogram;
  readonly batchFailures: Counter;
  readonly http: HttpMetrics;
  readonly exportRows: Counter;
  readonly reconciliationRuns: Counter<"status">;
  readonly retentionRemoved: Counter;
  readonly retentionKept: Counter<"reason">;
  readonly retentionEnrolled: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsArchived = new Counter({ name: "ledger_events_archived_total", help: "Events written to PostgreSQL for the first time", registers });
    this.eventsSkipped = new Counter({
      name: "ledger_events_skipped_total",
      help: "Entries read that added no event row (already archived), or no resource row (unreadable, deleted before archived)",
      labelNames: ["reason"],
      registers,
    });
    this.batchDuration = new Histogram({
      name: "ledger_batch_duration_seconds",
      help: "Time to write one batch of events to PostgreSQL (one transaction)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchFailures = new Counter({
      name: "ledger_batch_failures_total",
      help: "Batches not committed (PostgreSQL unreachable or failing): left pending and written again",
      registers,
    });
    this.http = new HttpMetrics(registry, {
      durationHelp: "Time to answer an HTTP request (to the last byte of an export)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    });
    this.exportRows = new Counter({ name: "ledger_export_rows_total", help: "Rows written to CSV exports", registers });
    this.reconciliationRuns = new Counter({
      name: "reconciliation_runs_total",
      help: "Reconciliation runs this ledger ended, by status (completed, failed)",
      labelNames: ["status"],
      registers,
    });
    this.retentionRemoved = new Counter({
      name: "ledger_retention_removed_total",
      help: "Final payments removed from Redis by the retention sweep (archived, past PAYMENT_RETENTION_DAYS)",
      registers,
    });
    this.retentionKept = new Counter({
      name: "ledger_retention_kept_total",
      help: "Due payments the retention sweep left in Redis, by reason (not_archived, conflict, retained, gone)",
      labelNames: ["reason"],
      registers,
    });
    this.retentionEnrolled = new Counter({
      name: "ledger_retention_enrolled_total",
      help: "Final payments the retention backfill added to the final-payments index (made final before it existed)",
      registers,
    });
  }

  /**
   * `reconciliation_discrepancies{kind}` and `reconciliation_last_completed_timestamp_seconds`,
   * read from PostgreSQL on scrape: the latest completed run of a whole day whichever ledger ran it, so every
   * replica answers the same and an alert sees the same value wherever it scrapes.
   */
  collectReconciliation(registry: Registry, lastCompleted: () => Promise<{ completedAt: Date; counts: Record<string, number> } | undefined>): void {
    // PostgreSQL not answering: the last values stay.
    const read = () => lastCompleted().catch(() => undefined);
    new Gauge({
      name: "reconciliation_discrepancies",
      help: "Discrepancies of the latest completed reconciliation run of a whole day (not today's), by kind (missing_here, missing_there, amount_mismatch, status_mismatch; refund_status_mismatch, refund_amount_mismatch, refund_missing_there)",
      labelNames: ["kind"],
      registers: [registry],
      async collect() {
        const run = await read();
        if (run) for (const [kind, n] of Object.entries(run.counts)) this.set({ kind }, n);
      },
    });
    new Gauge({
      name: "reconciliation_last_completed_timestamp_seconds",
      help: "When the latest reconciliation run of a whole day completed (unix seconds; absent before the first)",
      registers: [registry],
      async collect() {
        const run = await read();
        if (run) this.set(run.completedAt.getTime() / 1000);
      },
    });
  }

  /**
   * `ledger_retention_due`, computed on scrape: final payments past the retention still in Redis
   * (due for removal: a growing value means the sweep is not keeping up or the archive lags).
   */
  collectRetentionDue(registry: Registry, dueCount: () => Promise<number>): void {
    new Gauge({
      name: "ledger_retention_due",
      help: "Final payments past PAYMENT_RETENTION_DAYS still in Redis (removed once archived)",
      registers: [registry],
      async collect() {
        const due = await dueCount().then((n) => ({ n }), () => undefined);
        if (due) this.set(due.n);
      },
    });
  }

  /**
   * `ledger_lag_seconds`, computed on scrape: the age of the oldest event not yet archived (0 when
   * everything is). `oldestUnarchived` answers with that event's time, or undefined.
   */
  collectLag(registry: Registry, oldestUnarchived: () => Promise<Date | undefined>): void {
    new Gauge({
      name: "ledger_lag_seconds",
      help: "Age of the oldest event in the stream that is not in PostgreSQL yet (0: all archived)",
      registers: [registry],
      async collect() {
        // Redis not answering: the last value stays (0 would claim everything is archived).
        const oldest = await oldestUnarchived().then((d) => ({ d }), () => undefined);
        if (oldest) this.set(oldest.d ? Math.max(0, (Date.now() - oldest.d.getTime()) / 1000) : 0);
      },
    });
  }
}

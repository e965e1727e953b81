import type { Logger } from "@oceanpos/core/logger";
import type { PaymentRetention, RemoveOutcome, RetentionCandidate } from "@oceanpos/core/payments";
import type { Redis } from "@oceanpos/core/redis";
import type pg from "pg";
import type { LedgerMetrics } from "../metrics.js";

export interface RetentionSweepOptions {
  retention: PaymentRetention;
  /** For the sweep's lock (one ledger sweeps at a time). */
  redis: Redis;
  /** `redisKeys(prefix).retentionSweepLock`. */
  lockKey: string;
  /** `redisKeys(prefix).retentionBackfill`: the backfill's SCAN cursor, `done` once over. */
  backfillKey: string;
  /** This ledger's name, held in the lock. */
  owner: string;
  /** Where the archived versions are checked. */
  pool: pg.Pool;
  /** `PAYMENT_RETENTION_DAYS` in ms. */
  retentionMs: number;
  /** How often a ledger tries to sweep. */
  intervalMs: number;
  /** Payments read, checked and removed per round. */
  batchSize: number;
  logger: Logger;
  metrics?: LedgerMetrics;
  clock?: () => Date;
}

/** Why a due payment stayed in Redis this time. */
export type KeptReason = Exclude<RemoveOutcome, "removed">;

// The candidates (in order) whose row in the archive is at Redis's version or newer.
const archivedCandidates = `
SELECT x.i::int AS i
FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[]) WITH ORDINALITY AS x(st, o, c, v, i)
JOIN payments p ON p.store_id = x.st AND p.order_number = x.o AND p.created_at = x.c AND p.version >= x.v`;

/**
 * Retention: final payments leave Redis `PAYMENT_RETENTION_DAYS` after their last change, once
 * the archive has them. Every `intervalMs` one ledger (a Redis lock) reads the final-payments
 * index oldest first, in batches; checks in PostgreSQL that each payment's row is at the version
 * Redis holds; and removes each one in its own Lua step, which re-checks in Redis that it is
 * still final, unchanged, without an open refund, and that its latest event is below the ledger's
 * committed position (`PaymentRetention.remove`). Whatever fails a check stays for a later round.
 * Until it has gone through all of Redis once, each round first enrolls about `batchSize` final
 * payments the index lacks (made final before it existed: `PaymentRetention.enrollMissing`),
 * resuming a SCAN whose cursor is kept in Redis.
 */
export class RetentionSweep {
  private readonly o: RetentionSweepOptions;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(options: RetentionSweepOptions) {
    this.o = options;
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    if (this.stopped || this.timer) return;
    const tick = () => {
      this.running = this.sweep()
        .catch((err: unknown) => this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "retention sweep failed; trying again later"))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops the timer and waits for the round in progress. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** The cutoff now: payments whose last change is no later than this are due. */
  cutoff(): Date {
    return new Date(this.clock().getTime() - this.o.retentionMs);
  }

  /**
   * One pass over every due payment, if this ledger holds the lock (another sweeping: nothing).
   * Resolves with how many were removed and why the others stayed.
   */
  async sweep(): Promise<{ removed: number; kept: Partial<Record<KeptReason, number>> } | undefined> {
    const locked = await this.o.redis.set(this.o.lockKey, this.o.owner, "PX", this.o.intervalMs, "NX");
    if (locked !== "OK") return undefined;
    await this.backfill();
    const cutoff = this.cutoff();
    const kept: Partial<Record<KeptReason, number>> = {};
    let removed = 0;
    // Kept entries stay at the front of the index: the next batch starts after them.
    let skip = 0;
    while (!this.stopped) {
      const candidates = await this.o.retention.due(cutoff, this.o.batchSize + skip);
      const batch = candidates.slice(skip);
      if (batch.length === 0) break;
      const archived = await this.archived(batch);
      for (const [i, candidate] of batch.entries()) {
        const outcome: RemoveOutcome = candidate.held && !archived.has(i) ? "not_archived" : await this.o.retention.remove(candidate, cutoff);
        if (outcome === "removed") {
          removed++;
          this.o.metrics?.retentionRemoved.inc();
          continue;
        }
        kept[outcome] = (kept[outcome] ?? 0) + 1;
        this.o.metrics?.retentionKept.inc({ reason: outcome });
        if (outcome === "not_archived" || outcome === "conflict") skip++;
      }
      if (batch.length < this.o.batchSize) break;
    }
    if (removed > 0 || Object.keys(kept).length > 0) this.o.logger.info({ removed, kept, cutoff: cutoff.toISOString() }, "retention sweep");
    return { removed, kept };
  }

  /** A bounded part of the one-off backfill of the final-payments index, from where the last one stopped. */
  private async backfill(): Promise<void> {
    let cursor = (await this.o.redis.get(this.o.backfillKey)) ?? "0";
    if (cursor === "done") return;
    let scanned = 0;
    let enrolled = 0;
    // SCAN may answer few keys per call (most keys are not payments): a few calls, bounded.
    for (let calls = 0; calls < 10 && scanned < this.o.batchSize && !this.stopped; calls++) {
      const step = await this.o.retention.enrollMissing(cursor, this.o.batchSize);
      scanned += step.scanned;
      enrolled += step.enrolled;
      cursor = step.cursor === "0" ? "done" : step.cursor;
      await this.o.redis.set(this.o.backfillKey, cursor);
      if (cursor === "done") break;
    }
    if (enrolled > 0) this.o.metrics?.retentionEnrolled.inc(enrolled);
    if (enrolled > 0 || cursor === "done") this.o.logger.info({ scanned, enrolled, done: cursor === "done" }, "retention backfill: final payments enrolled");
  }

  /** The positions in `batch` of the payments the archive holds at Redis's version (or newer). */
  private async archived(batch: readonly RetentionCandidate[]): Promise<Set<number>> {
    const held = batch.flatMap((c, i) => (c.held ? [{ i, orderNumber: c.ref.orderNumber, ...c.held }] : []));
    if (held.length === 0) return new Set();
    const { rows } = await this.o.pool.query<{ i: number }>(archivedCandidates, [
      held.map((x) => x.storeId),
      held.map((x) => x.orderNumber),
      held.map((x) => x.createdAt),
      held.map((x) => x.version),
    ]);
    return new Set(rows.map((r) => held[r.i - 1]?.i as number));
  }
}

import { streamGroupBacklog } from "@oceanpos/core/redis";
import { waitFor } from "@oceanpos/harness";
import { Redis } from "ioredis";
import pg from "pg";

export interface LedgerCheckInput {
  redisUrl: string;
  /** `REDIS_KEY_PREFIX` of the cluster. */
  keyPrefix: string;
  databaseUrl: string;
  /** Every payment's final version, as the intake answers it (the truth). */
  finals: ReadonlyMap<string, { version: number } | undefined>;
  /** How long the surviving ledger may take to catch up once the run has settled. */
  catchUpMs: number;
}

export interface LedgerCheck {
  /** Entries of the event stream (nothing is trimmed in a chaos run: the retention is 7 days). */
  eventsEmitted: number;
  eventsArchived: number;
  /** Stream entries with no archived event. */
  missing: number;
  /** Archived events under one stream id more than once, or none in the stream. */
  duplicated: number;
  extra: number;
  payments: number;
  /** Payments whose archived version is not their final version (or which are not archived). */
  versionMismatches: number;
  caughtUpMs: number | null;
  samples: string[];
}

/**
 * The archive against the truth at the end of a chaos run (two ledgers, one killed mid-run):
 * once the `ledger` group has committed everything, every entry of the event stream is archived
 * exactly once and every payment's archived row is at its final version.
 */
export async function checkLedgerArchive(input: LedgerCheckInput): Promise<LedgerCheck> {
  const redis = new Redis(input.redisUrl, { maxRetriesPerRequest: 3 });
  const pool = new pg.Pool({ connectionString: input.databaseUrl, max: 2 });
  pool.on("error", () => {});
  const eventsKey = `{${input.keyPrefix}}:events`;
  try {
    const started = Date.now();
    // Not Redis's `lag` as such: Redis 7.0 leaves it too high for good after the run's restart
    // from a rewritten append-only file (see `streamGroupBacklog`), and an unknown lag is no 0.
    const caughtUp = await waitFor(
      async () => {
        const backlog = await streamGroupBacklog(redis, eventsKey, "ledger");
        return backlog !== undefined && backlog.unread === 0 && backlog.pending === 0;
      },
      { timeoutMs: input.catchUpMs, intervalMs: 200, message: "the ledger group to commit every event" },
    ).then(
      () => Date.now() - started,
      () => null,
    );
    const stream = new Set<string>();
    for (let from = "-"; ; ) {
      const page = (await redis.xrange(eventsKey, from, "+", "COUNT", 10_000)) as [string, string[]][];
      for (const [id] of page) stream.add(id);
      if (page.length < 10_000) break;
      from = `(${page[page.length - 1]?.[0]}`;
    }
    const rows = (await pool.query<{ stream_id: string; n: number }>("SELECT stream_id, count(*)::int AS n FROM events GROUP BY stream_id")).rows;
    const archived = new Map(rows.map((r) => [r.stream_id, r.n]));
    const samples: string[] = [];
    const missing = [...stream].filter((id) => !archived.has(id));
    const extra = [...archived.keys()].filter((id) => !stream.has(id));
    const duplicated = rows.filter((r) => r.n > 1).length + extra.length;
    samples.push(...missing.slice(0, 5).map((id) => `missing event ${id}`), ...extra.slice(0, 5).map((id) => `archived event not in the stream ${id}`));

    // The newest row of each order number (a number is used once in a run).
    const versions = new Map(
      (await pool.query<{ order_number: string; version: number }>("SELECT DISTINCT ON (order_number) order_number, version FROM payments ORDER BY order_number, created_at DESC")).rows.map((r) => [
        r.order_number,
        r.version,
      ]),
    );
    let versionMismatches = 0;
    let payments = 0;
    for (const [orderNumber, final] of input.finals) {
      if (!final) continue;
      payments++;
      const got = versions.get(orderNumber);
      if (got !== final.version) {
        versionMismatches++;
        if (samples.length < 20) samples.push(`${orderNumber}: archived version ${got ?? "none"}, final ${final.version}`);
      }
    }
    return {
      eventsEmitted: stream.size,
      eventsArchived: rows.reduce((a, r) => a + r.n, 0),
      missing: missing.length,
      duplicated,
      extra: extra.length,
      payments,
      versionMismatches,
      caughtUpMs: caughtUp,
      samples,
    };
  } finally {
    redis.disconnect();
    await pool.end();
  }
}

/** The failures a check adds to a run's verdict. */
export function ledgerFailures(check: LedgerCheck): string[] {
  const out: string[] = [];
  if (check.caughtUpMs === null) out.push("ledger.caughtUp");
  if (check.missing > 0 || check.eventsArchived !== check.eventsEmitted) out.push("ledger.eventsArchived");
  if (check.duplicated > 0) out.push("ledger.duplicated");
  if (check.versionMismatches > 0) out.push("ledger.versions");
  return out;
}

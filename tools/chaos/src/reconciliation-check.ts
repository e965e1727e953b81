import { setTimeout as sleep } from "node:timers/promises";
import type { HttpClient } from "./http-client.js";

/**
 * The chaos run's end check of the daily reconciliation (issue 19): once every payment is final
 * and archived, one charge no request of ours made is planted in the sandbox, and each day the run
 * touched is reconciled. The books must match the gateway's exactly: no discrepancy but that
 * charge, reported once as `missing_here`.
 */

interface Discrepancy {
  kind: string;
  orderNumber: string;
}
/** The part of a ledger run (`GET /v1/reconciliations/{id}`) the check reads. */
export interface CheckedRun {
  id: string;
  date: string;
  status: string;
  error?: string;
  terminals: { matched: { currency: string; count: number }[]; discrepancies: Discrepancy[] }[];
}

export interface ReconciliationVerdict {
  failures: string[];
  matched: number;
  discrepancies: Discrepancy[];
}

/** Every run completed; the orphan is the one discrepancy, `missing_here`, exactly once. */
export function reconciliationVerdict(runs: readonly CheckedRun[], orphan: string): ReconciliationVerdict {
  const failures: string[] = [];
  for (const run of runs) if (run.status !== "completed") failures.push(`reconciliation of ${run.date} ${run.status}${run.error ? `: ${run.error}` : ""}`);
  const discrepancies = runs.flatMap((r) => r.terminals.flatMap((t) => t.discrepancies));
  const planted = discrepancies.filter((d) => d.orderNumber === orphan);
  if (planted.length !== 1 || planted[0]?.kind !== "missing_here") failures.push(`the planted charge ${orphan} was reported ${planted.length} times (${planted.map((d) => d.kind).join(", ") || "never"}), not once as missing_here`);
  const others = discrepancies.filter((d) => d.orderNumber !== orphan);
  if (others.length > 0) failures.push(`${others.length} discrepancies besides the planted charge (${others.slice(0, 5).map((d) => `${d.kind} ${d.orderNumber}`).join(", ")})`);
  const matched = runs.flatMap((r) => r.terminals.flatMap((t) => t.matched)).reduce((n, m) => n + m.count, 0);
  return { failures, matched, discrepancies };
}

export interface ReconciliationCheckOptions {
  http: HttpClient;
  ledgerUrl: string;
  sandboxUrl: string;
  adminToken: string;
  /** The ledger's `GATEWAY_TIME_ZONE`. */
  timeZone: string;
  /** When the run began: every day from then to now is reconciled. */
  since: number;
  /** Waits (the archive catching up, each run) end by then, epoch ms. */
  deadline: number;
}

const dayOf = (ms: number, timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);

/** Plants the orphan charge, reconciles the run's days and judges the runs. */
export async function checkReconciliation(o: ReconciliationCheckOptions): Promise<ReconciliationVerdict & { orphan: string; runs: CheckedRun[] }> {
  const orphan = `CHAOS-ORPHAN-${Date.now().toString(36).toUpperCase()}`;
  // A few seconds back: today's run lists the gateway's charges up to a second before it starts.
  const at = new Date(Math.max(o.since, Date.now() - 10_000)).toISOString();
  const planted = await o.http.json("POST", `${o.sandboxUrl}/sandbox/orphan-charge`, { body: { orderNumber: orphan, amount: "9.99", currency: "USD", at } });
  if (planted.status !== 201) throw new Error(`POST /sandbox/orphan-charge answered ${planted.status}`);
  await until(o.deadline, "the ledger to archive every event", async () => {
    const metrics = await o.http.text("GET", `${o.ledgerUrl}/metrics`);
    return /^ledger_lag_seconds(?:\{[^}]*\})? 0$/m.test(metrics.body);
  });
  const days = [...new Set([dayOf(o.since, o.timeZone), dayOf(Date.now(), o.timeZone)])];
  const runs: CheckedRun[] = [];
  for (const date of days) {
    const started = await o.http.json<CheckedRun>("POST", `${o.ledgerUrl}/v1/reconciliations`, { token: o.adminToken, body: { date, timeZone: o.timeZone } });
    if (started.status !== 202) throw new Error(`POST /v1/reconciliations ${date} answered ${started.status}`);
    let run = started.body;
    await until(o.deadline, `the reconciliation of ${date} to end`, async () => {
      run = (await o.http.json<CheckedRun>("GET", `${o.ledgerUrl}/v1/reconciliations/${started.body.id}`, { token: o.adminToken })).body;
      return run.status !== "running";
    });
    runs.push(run);
  }
  return { ...reconciliationVerdict(runs, orphan), orphan, runs };
}

async function until(deadline: number, what: string, done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ActionRecord } from "./chaos-script.js";
import type { AttackKind } from "./forgery.js";
import type { LoadTotals } from "./load-generator.js";
import type { NoticeAttacker } from "./notice-attacker.js";
import type { ChaosOptions } from "./options.js";
import type { LedgerCheck } from "./ledger-check.js";
import type { RecoveryFigure } from "./recovery.js";
import type { RefundCounts } from "./refund-verify.js";
import type { Counts } from "./verify.js";

export interface ChaosReport {
  ok: boolean;
  /** The non-zero counts that fail the run. */
  failures: string[];
  counts: Counts;
  samples: Record<string, string[]>;
  options: ChaosOptions;
  startedAt: string;
  durationMs: number;
  submission: LoadTotals & { planned: number; accepted: number; unexpected: number; createdTwice: number; voidAnswers: Record<string, number>; windowMs: number };
  throughput: { submittedPerSec: number; settledPerSec: number | null };
  settle: { allFinalAfterMs: number | null; webhooksCompleteAfterMs: number | null; timedOut: boolean };
  statuses: Record<string, number>;
  ledger: { orders: number; charges: number };
  /** Our archive (PostgreSQL) against the stream and the final versions: two ledgers, one killed. */
  archive: LedgerCheck;
  /** The reconciliation of the run's days on a surviving ledger (reconciliation-check.ts): no discrepancy but the planted charge. */
  reconciliation: { orphan: string; matched: number; discrepancies: Record<string, number>; runs: { date: string; status: string }[]; failures: string[] };
  events: { read: number; pages: number; readErrors: number };
  chaos: ActionRecord[];
  starts: Record<string, number>;
  receivers: Record<string, { requests: number; accepted: number; refusedOnPurpose: number; unverifiable: number; duplicates: number; unverifiableSamples: string[] }>;
  deadLettersReplayed: number;
  /** The refunds (refund-phase.ts), made in waves during the disruptions: what was planned and how it ended; every count must be 0. */
  refunds: { planned: number; waves: number; heldByShortBalance: number; byKind: Record<string, number>; statuses: Record<string, number>; counts: RefundCounts; settledAfterMs: number | null };
  /** The forged-notice attacker: what it sent (by attack), at how many payments, from which documents. */
  forgery: {
    sent: Record<AttackKind, number>;
    sentTotal: number;
    targets: number;
    /** Targets by their status when attacked (`held notice`: attacked from a notice the tap held). */
    targetsByStatus: Record<string, number>;
    baits: number;
    /** Each bait's status once the POS voided it. */
    baitStatuses: Record<string, number>;
    documents: NoticeAttacker["documents"];
    tap: { seen: number; held: number; heldLost: number; notOk: number };
    postFailures: number;
    notReceiveOk: number;
  };
  /** The gateway-failure burst and how long the payments open at its end took to settle (null: it never ran). */
  recovery: (RecoveryFigure & { failingMs: number; failureRate: number; startedAfterMs: number | null; targetSeconds: number }) | null;
  logsDir: string;
}


/** How many times each value occurs. */
export function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Writes `<dir>/<timestamp>.json`; returns its path. */
export function writeReport(report: ChaosReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.startedAt.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** The human summary: one line per check, ✗ on every failing one, then samples of each failure. */
export function formatReport(r: ChaosReport): string {
  const c = r.counts;
  // true: a count that must be 0; "pass" / "fail": a figure against its target.
  const rows: [string, string | number, (boolean | "pass" | "fail")?][] = [
    ["payments planned / accepted (2xx)", `${r.submission.planned} / ${r.submission.accepted}`],
    ["requests (retries) · singles · batches", `${r.submission.requests} (${r.submission.retries}) · ${r.submission.singles} · ${r.submission.batches}`],
    ["throughput accepted/s · settled/s", `${r.throughput.submittedPerSec} · ${r.throughput.settledPerSec ?? "—"}`],
    ["final statuses", Object.entries(r.statuses).map(([k, v]) => `${k} ${v}`).join(", ")],
    ["ledger orders · charges", `${r.ledger.orders} · ${r.ledger.charges}`],
    ["archive events · missing · duplicated · off-version payments", `${r.archive.eventsArchived}/${r.archive.eventsEmitted} · ${r.archive.missing} · ${r.archive.duplicated} · ${r.archive.versionMismatches}/${r.archive.payments}`],
    [
      "reconciliation: runs · matched · discrepancies (only the planted one)",
      `${r.reconciliation.runs.map((run) => `${run.date} ${run.status}`).join(", ") || "none"} · ${r.reconciliation.matched} · ${Object.entries(r.reconciliation.discrepancies).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`,
      r.reconciliation.failures.length === 0 ? "pass" : "fail",
    ],
    ["events read", r.events.read],
    ["payments lost (2xx, unknown afterwards)", c.lost, true],
    ["orders charged more than once", c.chargedMoreThanOnce, true],
    ["payments not final", c.notFinal, true],
    ["payments needs_review", c.needsReview, true],
    ["payments with a wrong outcome", c.wrongOutcome, true],
    ["succeeded ⇏ exactly 1 charge", c.succeededWithoutOneCharge, true],
    ["failed/voided but charged", c.chargedButNotSucceeded, true],
    ["charges for unknown orders", c.chargedUnknownOrder, true],
    ["event versions missing", c.eventsMissing, true],
    ["event versions duplicated", c.eventsDuplicated, true],
    ["events inconsistent (type ≠ status, beyond version)", c.eventsInconsistent, true],
    ["events out of version order", c.eventsOutOfOrder, true],
    ["unexpected intake answers", c.unexpectedIntakeAnswers, true],
    ["forged/replayed notices sent", `${r.forgery.sentTotal}: ${Object.entries(r.forgery.sent).map(([k, v]) => `${k} ${v}`).join(", ")}`],
    ["attack targets (status when attacked) · baits", `${r.forgery.targets} (${Object.entries(r.forgery.targetsByStatus).map(([k, v]) => `${k} ${v}`).join(", ")}) · ${r.forgery.baits}`],
    ["forged notices applied", c.forgedApplied, true],
  ];
  const rf = r.refunds;
  rows.push(
    ["refunds planned in waves (by kind) · final statuses", `${rf.planned} in ${rf.waves} (${Object.entries(rf.byKind).map(([k, v]) => `${k} ${v}`).join(", ")}) · ${Object.entries(rf.statuses).map(([k, v]) => `${k} ${v}`).join(", ")}`],
    ["refunds held by the gateway while the balance was short", rf.heldByShortBalance],
    ["refunds lost", rf.counts.refundsLost, true],
    ["refunds filed twice at the gateway", rf.counts.refundsFiledTwice, true],
    ["orders refunded > charged", rf.counts.refundedMoreThanCharged, true],
    ["refunds not final", rf.counts.refundsNotFinal, true],
    ["refund events missing", rf.counts.refundEventsMissing, true],
    ["unexpected refund answers", rf.counts.refundUnexpectedAnswers, true],
  );
  const rec = r.recovery;
  const recovered = rec !== null && rec.secondsToLastSettlement !== null && rec.secondsToLastSettlement <= rec.targetSeconds;
  rows.push([
    `gateway outage: payments open at recovery · seconds to the last settlement (≤ ${rec?.targetSeconds ?? "?"})`,
    rec === null ? "did not run" : `${rec.unsettledAtRecovery} · ${rec.secondsToLastSettlement === null ? `never (${rec.notSettledCount} still open)` : rec.secondsToLastSettlement.toFixed(1)}`,
    recovered ? "pass" : "fail",
  ]);
  for (const [name, w] of Object.entries(c.webhooks)) {
    rows.push([`webhooks ${name}: missing (of ${w.expected})`, w.missing, true]);
    rows.push([`webhooks ${name}: unverifiable`, w.unverifiable, true]);
    rows.push([`webhooks ${name}: unexpected`, w.unexpected, true]);
    rows.push([`webhooks ${name}: duplicates (allowed)`, w.duplicates]);
  }
  rows.push(["dead letters replayed (receiver 'down')", r.deadLettersReplayed]);
  rows.push(["settle: all final · webhooks complete after", `${fmtMs(r.settle.allFinalAfterMs)} · ${fmtMs(r.settle.webhooksCompleteAfterMs)}${r.settle.timedOut ? " (TIMED OUT)" : ""}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v, check]) => {
    const mark = check === "pass" ? "✓" : check === "fail" ? "✗" : check ? (v === 0 ? "✓" : "✗") : " ";
    return `${mark} ${k.padEnd(width)}  ${v}`;
  });
  lines.push("", "disruptions:");
  for (const a of r.chaos) lines.push(`  +${(a.offsetMs / 1000).toFixed(1).padStart(6)} s  ${a.name}${a.error ? `  FAILED: ${a.error}` : ""}`);
  if (r.failures.length > 0) {
    lines.push("", `FAILED: ${r.failures.join(", ")}`);
    for (const [key, list] of Object.entries(r.samples)) lines.push(`  ${key}: ${list.slice(0, 10).join("; ")}`);
  }
  lines.push("", `service logs: ${r.logsDir}`, r.ok ? "OK: every count is 0" : "NOT OK");
  return lines.join("\n");
}

function fmtMs(ms: number | null): string {
  return ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`;
}

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChaosReport } from "./run-chaos.js";

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
  const rows: [string, string | number, boolean?][] = [
    ["payments planned / accepted (2xx)", `${r.submission.planned} / ${r.submission.accepted}`],
    ["requests (retries) · singles · batches", `${r.submission.requests} (${r.submission.retries}) · ${r.submission.singles} · ${r.submission.batches}`],
    ["throughput accepted/s · settled/s", `${r.throughput.submittedPerSec} · ${r.throughput.settledPerSec ?? "—"}`],
    ["final statuses", Object.entries(r.statuses).map(([k, v]) => `${k} ${v}`).join(", ")],
    ["ledger orders · charges", `${r.ledger.orders} · ${r.ledger.charges}`],
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
  ];
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
    const mark = check ? (v === 0 ? "✓" : "✗") : " ";
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

/** The headline figures, their targets, and the Markdown table printed at the end of a run. */
import { type LedgerFigures, ledgerTargets } from "./phases/ledger-phase.js";
import { type RefundsFigures, refundsTargets } from "./phases/refunds-phase.js";

export interface Figures extends Partial<LedgerFigures>, Partial<RefundsFigures> {
  "raw.bullmqNoopJobsPerSec": number;
  /** Not in the issue's list: the same load against a bare HTTP server, to read the intake's figures against. */
  "raw.httpNoopReqPerSec": number;
  "raw.httpNoopP99At1000Ms": number;
  "intake.reqPerSec": number;
  "intake.p50Ms": number;
  "intake.p99Ms": number;
  "intake.p99At1000Ms": number;
  "batch.paymentsPerSec": number;
  "e2e.paymentsPerSec": number;
  "e2e.p99Ms": number;
  "e2e.ratioToRawBullmq": number;
  "notices.perSec": number;
  "fanout.deliveriesPerSec": number;
  "fanout.noticeToWebhookP99Ms": number;
  /** After a burst of gateway failures: seconds from recovery to the last payment's settlement (NaN: one never settled). */
  "outage.secondsToLastSettlement": number;
  "memory.maxRssMb": number;
}

export interface Target {
  op: ">=" | "<=";
  value: number;
}

export const targets: Partial<Record<keyof Figures, Target>> = {
  "intake.reqPerSec": { op: ">=", value: 4000 },
  "intake.p99At1000Ms": { op: "<=", value: 20 },
  "batch.paymentsPerSec": { op: ">=", value: 12_000 },
  "e2e.paymentsPerSec": { op: ">=", value: 1500 },
  "e2e.ratioToRawBullmq": { op: ">=", value: 0.1 },
  "fanout.noticeToWebhookP99Ms": { op: "<=", value: 50 },
  "outage.secondsToLastSettlement": { op: "<=", value: 30 },
  "memory.maxRssMb": { op: "<=", value: 200 },
  ...ledgerTargets,
  ...refundsTargets,
};

/** "pass", "FAIL", or "" when the figure has no target; NaN (not measured) fails a target. */
export function verdict(value: number, target: Target | undefined): "pass" | "FAIL" | "" {
  if (!target) return "";
  if (!Number.isFinite(value)) return "FAIL";
  return (target.op === ">=" ? value >= target.value : value <= target.value) ? "pass" : "FAIL";
}

/**
 * CPU time per operation of each phase, per process and in all (ms): a phase's CPU figures
 * (`cpuMsByPhase`) divided by what it pushed through. Phases without a count are left out.
 */
export function cpuPerOperation(
  cpuMsByPhase: Record<string, Record<string, number>>,
  operations: Record<string, number | undefined>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [phase, spent] of Object.entries(cpuMsByPhase)) {
    const n = operations[phase];
    if (!n) continue;
    const row: Record<string, number> = {};
    let total = 0;
    for (const [process, ms] of Object.entries(spent)) {
      if (process === "wallMs") continue;
      row[process] = Math.round((ms / n) * 1000) / 1000;
      total += ms;
    }
    row.total = Math.round((total / n) * 1000) / 1000;
    out[phase] = row;
  }
  return out;
}

export function cpuPerOperationTable(perOperation: Record<string, Record<string, number>>, operations: Record<string, number | undefined>): string {
  const processes = [...new Set(Object.values(perOperation).flatMap((row) => Object.keys(row)))].filter((p) => p !== "total");
  const header = `| CPU ms per operation | operations | ${processes.join(" | ")} | total |`;
  const rows = Object.entries(perOperation).map(
    ([phase, row]) => `| ${phase} | ${(operations[phase] ?? 0).toLocaleString("en-US")} | ${processes.map((p) => row[p] ?? "").join(" | ")} | ${row.total} |`,
  );
  return [header, `|---|---:|${processes.map(() => "---:|").join("")}---:|`, ...rows].join("\n");
}

export function markdownTable(figures: Figures, notes: Partial<Record<keyof Figures, string>> = {}): string {
  const rows = (Object.keys(figures) as (keyof Figures)[]).map((key) => {
    const target = targets[key];
    const value = figures[key] ?? Number.NaN;
    const shown = Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: value < 10 ? 3 : 1 }) : "n/a";
    return `| ${key} | ${shown} | ${target ? `${target.op} ${target.value.toLocaleString("en-US")}` : ""} | ${verdict(value, target)} | ${notes[key] ?? ""} |`;
  });
  return ["| figure | value | target | | note |", "|---|---:|---|---|---|", ...rows].join("\n");
}

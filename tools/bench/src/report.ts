/** The headline figures, their targets, and the Markdown table printed at the end of a run. */

export interface Figures {
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
  "memory.maxRssMb": { op: "<=", value: 200 },
};

/** "pass", "FAIL", or "" when the figure has no target; NaN (not measured) fails a target. */
export function verdict(value: number, target: Target | undefined): "pass" | "FAIL" | "" {
  if (!target) return "";
  if (!Number.isFinite(value)) return "FAIL";
  return (target.op === ">=" ? value >= target.value : value <= target.value) ? "pass" : "FAIL";
}

export function markdownTable(figures: Figures, notes: Partial<Record<keyof Figures, string>> = {}): string {
  const rows = (Object.keys(figures) as (keyof Figures)[]).map((key) => {
    const target = targets[key];
    const value = figures[key];
    const shown = Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: value < 10 ? 3 : 1 }) : "n/a";
    return `| ${key} | ${shown} | ${target ? `${target.op} ${target.value.toLocaleString("en-US")}` : ""} | ${verdict(value, target)} | ${notes[key] ?? ""} |`;
  });
  return ["| figure | value | target | | note |", "|---|---:|---|---|---|", ...rows].join("\n");
}

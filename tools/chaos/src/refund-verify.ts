import type { SeenEvent } from "./event-tailer.js";
import { type PlannedRefund, type RefundSubmission, cents } from "./refund-plan.js";

/** One order of `GET /sandbox/ledger` as the refund checks read it. */
export interface RefundLedgerOrder {
  orderNumber: string;
  charged: string;
  refunded: string;
  refunds: { refundNumber: string; status: string }[];
}

export interface RefundCounts {
  /** Planned refunds intake should have taken that it does not know. */
  refundsLost: number;
  /** Refund numbers the gateway filed more than once (sandbox ledger). */
  refundsFiledTwice: number;
  /** Orders whose succeeded refunds exceed their charge (sandbox ledger). */
  refundedMoreThanCharged: number;
  /** Refunds not `succeeded` or `failed` at the end (`needs_review` included). */
  refundsNotFinal: number;
  /** Per order and status, fewer `refund.*` events than refunds that went through that status. */
  refundEventsMissing: number;
  /** Intake answers that were not what the plan expects (a refund beyond the charge taken, a 5xx that never cleared…). */
  refundUnexpectedAnswers: number;
}

export interface RefundVerdict {
  counts: RefundCounts;
  /** `refunds.refundsLost`, …: every non-zero count. */
  failures: string[];
  samples: Record<string, string[]>;
}

export interface RefundFacts {
  plan: readonly PlannedRefund[];
  submissions: ReadonlyMap<string, RefundSubmission>;
  /** refundNumber → status as intake answers it now (undefined: unknown there). */
  finals: ReadonlyMap<string, string | undefined>;
  ledger: readonly RefundLedgerOrder[];
  /** Every event read from the log (payment events are ignored). */
  events: readonly SeenEvent[];
}


/** The refund checks of a chaos run: each count must be 0. */
export function verifyRefunds(facts: RefundFacts, sampleSize = 10): RefundVerdict {
  const counts: RefundCounts = { refundsLost: 0, refundsFiledTwice: 0, refundedMoreThanCharged: 0, refundsNotFinal: 0, refundEventsMissing: 0, refundUnexpectedAnswers: 0 };
  const samples: Record<string, string[]> = {};
  const bump = (name: keyof RefundCounts, sample: string) => {
    counts[name]++;
    const list = (samples[`refunds.${name}`] ??= []);
    if (list.length < sampleSize) list.push(sample);
  };

  // Refunds that went through each status, per order: what the event log must show at least.
  const through = new Map<string, number>();
  const add = (orderNumber: string, status: string) => through.set(`${orderNumber} ${status}`, (through.get(`${orderNumber} ${status}`) ?? 0) + 1);
  for (const r of facts.plan) {
    const s = facts.submissions.get(r.refundNumber);
    for (const answer of s?.unexpected ?? []) bump("refundUnexpectedAnswers", `${r.refundNumber}: ${answer}`);
    const final = facts.finals.get(r.refundNumber);
    if (r.exceeds) {
      if (final !== undefined) bump("refundUnexpectedAnswers", `${r.refundNumber}: taken although it exceeds the payment`);
      continue;
    }
    if (final === undefined) {
      bump("refundsLost", r.refundNumber);
      continue;
    }
    if (final !== "succeeded" && final !== "failed") bump("refundsNotFinal", `${r.refundNumber}: ${final}`);
    add(r.orderNumber, "accepted");
    if (final === "succeeded" || final === "failed") add(r.orderNumber, final);
  }
  for (const o of facts.ledger) {
    const filed = new Map<string, number>();
    for (const refund of o.refunds) filed.set(refund.refundNumber, (filed.get(refund.refundNumber) ?? 0) + 1);
    for (const [refundNumber, n] of filed) if (n > 1) bump("refundsFiledTwice", `${refundNumber}: ${n} times`);
    if (cents(o.refunded) > cents(o.charged)) bump("refundedMoreThanCharged", `${o.orderNumber}: ${o.refunded} > ${o.charged}`);
  }
  const seen = new Map<string, number>();
  for (const e of facts.events) {
    if (!e.type.startsWith("refund.")) continue;
    const key = `${e.orderNumber} ${e.type.slice("refund.".length)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const [key, n] of through) {
    const missing = n - (seen.get(key) ?? 0);
    for (let i = 0; i < missing; i++) bump("refundEventsMissing", key);
  }
  const failures = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([name]) => `refunds.${name}`);
  return { counts, failures, samples };
}

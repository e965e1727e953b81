import type { SeenEvent } from "./event-tailer.js";
import { type LedgerOrder, forgedApplied } from "./forgery-verdict.js";

export const finalStatuses: ReadonlySet<string> = new Set(["succeeded", "failed", "voided"]);

/** One planned payment with what is known about it at the end. */
export interface PaymentFacts {
  orderNumber: string;
  storeId: string;
  /** Intake answered 2xx for it. */
  accepted: boolean;
  /** Statuses that are correct for its scenario. */
  expected: readonly string[];
  /** `GET /v1/payments/{orderNumber}` at the end: undefined when it answered 404. */
  final: { status: string; version: number } | undefined;
}

/** What a webhook subscriber subscribed to and what it accepted. */
export interface SubscriberFacts {
  name: string;
  events: readonly string[];
  storeIds?: readonly string[];
  /** Accepted (verified, answered 2xx) event ids → deliveries. */
  received: ReadonlyMap<string, { deliveries: number }>;
  unverifiable: number;
}

export interface VerifyInput {
  payments: readonly PaymentFacts[];
  /** Sandbox ledger: order number → charges, status and payment_ids (summed over terminals). */
  ledger: ReadonlyMap<string, LedgerOrder>;
  /** Payments forged or replayed notices were aimed at (`bait`: never charged, voided by the POS at the end). */
  attackTargets: ReadonlyMap<string, { bait: boolean }>;
  /** Every event of `GET /v1/events`, in log order. */
  events: readonly SeenEvent[];
  subscribers: readonly SubscriberFacts[];
  /** Intake answers that a careful POS would not expect (409 on an identical body, 400 on a valid one, …). */
  unexpectedIntakeAnswers: number;
}

export interface SubscriberCounts {
  expected: number;
  missing: number;
  unverifiable: number;
  /** Delivered but not matching the subscription (wrong type or store) or not in the log. */
  unexpected: number;
  /** Allowed; reported. */
  duplicates: number;
}

export interface Counts {
  lost: number;
  chargedMoreThanOnce: number;
  notFinal: number;
  needsReview: number;
  wrongOutcome: number;
  succeededWithoutOneCharge: number;
  chargedButNotSucceeded: number;
  chargedUnknownOrder: number;
  eventsMissing: number;
  eventsDuplicated: number;
  eventsInconsistent: number;
  eventsOutOfOrder: number;
  unexpectedIntakeAnswers: number;
  /** Attack targets showing an effect only a forged notice could have caused (`forgery-verdict.ts`). */
  forgedApplied: number;
  webhooks: Record<string, SubscriberCounts>;
}

export interface Verdict {
  counts: Counts;
  /** `lost`, `webhooks.down.missing`, …: every non-zero count that fails the run. */
  failures: string[];
  /** Up to `sampleSize` order numbers or event ids per failing count. */
  samples: Record<string, string[]>;
}

/** Glob of the contract's subscription patterns: `payment.*` or an exact type. */
export function typeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === type || p === "*" || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));
}

/** Every check of a chaos run over the facts gathered at the end. Pure. */
export function verify(input: VerifyInput, sampleSize = 20): Verdict {
  const samples: Record<string, string[]> = {};
  const note = (key: string, id: string) => {
    const list = (samples[key] ??= []);
    if (list.length < sampleSize) list.push(id);
  };
  const counts: Counts = {
    lost: 0,
    chargedMoreThanOnce: 0,
    notFinal: 0,
    needsReview: 0,
    wrongOutcome: 0,
    succeededWithoutOneCharge: 0,
    chargedButNotSucceeded: 0,
    chargedUnknownOrder: 0,
    eventsMissing: 0,
    eventsDuplicated: 0,
    eventsInconsistent: 0,
    eventsOutOfOrder: 0,
    unexpectedIntakeAnswers: input.unexpectedIntakeAnswers,
    forgedApplied: 0,
    webhooks: {},
  };
  const bump = (key: Exclude<keyof Counts, "webhooks">, id: string, detail?: string) => {
    counts[key]++;
    note(key, detail ? `${id} (${detail})` : id);
  };

  const versionsByOrder = new Map<string, Map<number, number>>();
  const lastVersionInLog = new Map<string, number>();
  for (const e of input.events) {
    const versions = versionsByOrder.get(e.orderNumber) ?? new Map<number, number>();
    versions.set(e.version, (versions.get(e.version) ?? 0) + 1);
    versionsByOrder.set(e.orderNumber, versions);
    if (e.type !== `payment.${e.status}`) bump("eventsInconsistent", e.id, `${e.type} carries status ${e.status}`);
    const last = lastVersionInLog.get(e.orderNumber) ?? 0;
    if (e.version <= last) bump("eventsOutOfOrder", e.id, `${e.orderNumber} v${e.version} after v${last}`);
    else lastVersionInLog.set(e.orderNumber, e.version);
  }

  const existing = new Set<string>();
  for (const p of input.payments) {
    const charges = input.ledger.get(p.orderNumber)?.charges ?? 0;
    if (charges > 1) bump("chargedMoreThanOnce", p.orderNumber, `${charges} charges`);
    if (!p.final) {
      if (p.accepted) bump("lost", p.orderNumber);
      continue;
    }
    existing.add(p.orderNumber);
    const { status, version } = p.final;
    if (status === "needs_review") bump("needsReview", p.orderNumber);
    else if (!finalStatuses.has(status)) bump("notFinal", p.orderNumber, status);
    else if (!p.expected.includes(status)) bump("wrongOutcome", p.orderNumber, `${status}, expected ${p.expected.join("|")}`);
    if (status === "succeeded" && charges !== 1) bump("succeededWithoutOneCharge", p.orderNumber, `${charges} charges`);
    if ((status === "failed" || status === "voided") && charges !== 0) bump("chargedButNotSucceeded", p.orderNumber, `${status} with ${charges} charges`);
    const versions = versionsByOrder.get(p.orderNumber) ?? new Map<number, number>();
    for (let v = 1; v <= version; v++) {
      const n = versions.get(v) ?? 0;
      if (n === 0) bump("eventsMissing", p.orderNumber, `v${v} of ${version}`);
      if (n > 1) bump("eventsDuplicated", p.orderNumber, `v${v} ×${n}`);
    }
    for (const v of versions.keys()) if (v > version) bump("eventsInconsistent", p.orderNumber, `event v${v} beyond the payment's v${version}`);
  }
  for (const [orderNumber, { charges }] of input.ledger) {
    if (charges > 0 && !existing.has(orderNumber)) bump("chargedUnknownOrder", orderNumber, `${charges} charges`);
  }

  const finals = new Map(input.payments.map((p) => [p.orderNumber, p.final]));
  const forged = forgedApplied({ targets: input.attackTargets, finals, events: input.events, ledger: input.ledger }, sampleSize);
  counts.forgedApplied = forged.applied;
  if (forged.samples.length > 0) samples.forgedApplied = forged.samples;

  const byId = new Map(input.events.map((e) => [e.id, e]));
  for (const s of input.subscribers) {
    const matches = (e: SeenEvent) => typeMatches(s.events, e.type) && (!s.storeIds || s.storeIds.includes(e.storeId));
    const c: SubscriberCounts = { expected: 0, missing: 0, unverifiable: s.unverifiable, unexpected: 0, duplicates: 0 };
    for (const e of input.events) {
      if (!matches(e)) continue;
      c.expected++;
      if (!s.received.has(e.id)) {
        c.missing++;
        note(`webhooks.${s.name}.missing`, `${e.id} ${e.type} ${e.orderNumber}`);
      }
    }
    for (const [id, r] of s.received) {
      c.duplicates += r.deliveries - 1;
      const e = byId.get(id);
      if (!e || !matches(e)) {
        c.unexpected++;
        note(`webhooks.${s.name}.unexpected`, id);
      }
    }
    counts.webhooks[s.name] = c;
  }

  const failures: string[] = [];
  for (const [key, value] of Object.entries(counts)) {
    if (typeof value === "number" && value > 0) failures.push(key);
  }
  for (const [name, c] of Object.entries(counts.webhooks)) {
    for (const key of ["missing", "unverifiable", "unexpected"] as const) if (c[key] > 0) failures.push(`webhooks.${name}.${key}`);
  }
  return { counts, failures, samples };
}

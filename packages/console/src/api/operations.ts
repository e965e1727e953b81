/**
 * The operations side of the public API as the console reads it (docs/api.md): resolving by hand,
 * reconciliation runs and the audit log. Fields the console does not know yet are kept and shown
 * as they came (see `extraFields`), so a newer API still renders.
 */
import type { Payment, Refund } from "./types.js";

/** `resolution` of a resolve's answer: whose word settled it and what the gateway said. */
export interface Resolution {
  decidedBy: "gateway" | "operator";
  gateway: "succeeded" | "failed" | "pending" | "no_attempt" | "unreachable";
  voided?: boolean;
  message: string;
}

export interface PaymentResolved {
  payment: Payment;
  resolution: Resolution;
}

export interface RefundResolved {
  refund: Refund;
  resolution: Resolution;
}

export interface Discrepancy {
  kind: string;
  orderNumber: string;
  paymentId?: string | null;
  ours: ({ storeId?: string; status?: string; amount?: string; currency?: string; paymentId?: string; succeededAt?: string } & Record<string, unknown>) | null;
  theirs: ({ paymentId?: string; amount?: string; currency?: string; method?: string; dateTime?: string } & Record<string, unknown>) | null;
  action?: string;
  [field: string]: unknown;
}

export interface TerminalResult {
  account: string;
  terminal: string;
  matched: { currency: string; count: number; amount: string }[];
  discrepancies: Discrepancy[];
  [field: string]: unknown;
}

export interface ReconciliationRun {
  id: string;
  date: string;
  timeZone: string;
  status: "running" | "completed" | "failed";
  partial: boolean;
  error?: string;
  requestedBy?: string;
  startedAt: string;
  completedAt: string | null;
  terminals: TerminalResult[];
  [field: string]: unknown;
}

export interface AuditEntry {
  id: string;
  at: string;
  operator: string;
  role: string;
  action: string;
  target: string;
  reason?: string;
  details?: Record<string, string>;
}

/** What a discrepancy's kind means, in words. */
export const discrepancyKinds: Readonly<Record<string, string>> = {
  missing_here: "The gateway charged an order we have no payment for (or charged it a second time)",
  missing_there: "We show the payment succeeded; the gateway lists no charge",
  amount_mismatch: "Both have it, with another amount or currency",
  status_mismatch: "The gateway charged an order we hold in another status",
};

/** What was done about a `status_mismatch` at once (`action`), in words. */
export const discrepancyActions: Readonly<Record<string, string>> = {
  query_requested: "the payers query the payment now",
  awaiting_operator: "a contradiction already waits for a person (Needs attention)",
  not_in_redis: "the payment left Redis: settle it by hand",
};

/** What the gateway said when asked once more, in words. */
export const gatewayAnswers: Readonly<Record<string, string>> = {
  succeeded: "the gateway shows the order paid",
  failed: "the gateway shows the order failed",
  pending: "the gateway holds the order open (pending)",
  no_attempt: "the gateway has no attempt for the order",
  unreachable: "the gateway could not be asked",
};

/** The fields of `value` beyond `known`, for a generic "other details" line. */
export function extraFields(value: Record<string, unknown>, known: readonly string[]): [string, string][] {
  return Object.entries(value)
    .filter(([k, v]) => !known.includes(k) && v !== undefined && v !== null)
    .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
}

/** `payment:<storeId>:<orderNumber>` or `refund:<storeId>:<orderNumber>:<refundNumber>` → the payment it names. */
export function paymentOfTarget(target: string): { storeId: string; orderNumber: string; refundNumber?: string } | undefined {
  const [kind, storeId, orderNumber, refundNumber] = target.split(":");
  if (!storeId || !orderNumber) return undefined;
  if (kind === "payment") return { storeId, orderNumber };
  if (kind === "refund" && refundNumber) return { storeId, orderNumber, refundNumber };
  return undefined;
}

import { z } from "zod";

/**
 * A reconciliation run as the API shows it (docs/api.md, "Reconciliations"): one day of one zone
 * compared, terminal by terminal, with Oceanpayment's list of successful orders.
 */

export const discrepancyKinds = ["missing_here", "missing_there", "amount_mismatch", "status_mismatch"] as const;
/** A refund of the day the gateway answers otherwise (docs/operations.md, "Daily reconciliation"). */
export const refundDiscrepancyKinds = ["refund_status_mismatch", "refund_amount_mismatch", "refund_missing_there"] as const;
export type RefundDiscrepancyKind = (typeof refundDiscrepancyKinds)[number];
/** Every kind a run counts (the event's counts, `reconciliation_discrepancies{kind}`). */
export type DiscrepancyKind = (typeof discrepancyKinds)[number] | RefundDiscrepancyKind;

/** What was done about a `status_mismatch` at once. */
export const settlementActions = ["query_requested", "awaiting_operator", "not_in_redis"] as const;

const Ours = z
  .object({
    storeId: z.string(),
    status: z.string(),
    amount: z.string(),
    currency: z.string(),
    paymentId: z.string().nullable(),
    succeededAt: z.string().nullable().describe("our time of success, when it succeeded"),
  })
  .describe("the archive's payment");
const Theirs = z
  .object({
    paymentId: z.string(),
    amount: z.string(),
    currency: z.string(),
    method: z.string(),
    dateTime: z.string().describe("payment_dateTime, the gateway's time (GATEWAY_TIME_ZONE)"),
  })
  .describe("the gateway's listed charge");

export const Discrepancy = z.object({
  kind: z.enum(discrepancyKinds),
  orderNumber: z.string(),
  paymentId: z.string().nullable(),
  ours: Ours.nullable(),
  theirs: Theirs.nullable(),
  action: z
    .enum(settlementActions)
    .optional()
    .describe("status_mismatch only: query_requested (the payer asks the gateway now), awaiting_operator (a contradiction already waits for a person), not_in_redis (the payment left Redis: settle by hand)"),
});
export type Discrepancy = z.infer<typeof Discrepancy>;

export const CurrencyTotal = z.object({ currency: z.string(), count: z.number().int(), amount: z.string().meta({ example: "1250.00" }) });
export type CurrencyTotal = z.infer<typeof CurrencyTotal>;

/** What was done about a `refund_status_mismatch` at once. */
export const refundSettlementActions = ["settled", "not_in_redis", "for_review"] as const;

export const RefundDiscrepancy = z.object({
  kind: z.enum(refundDiscrepancyKinds),
  orderNumber: z.string(),
  refundNumber: z.string(),
  refundId: z.string().nullable(),
  ours: z
    .object({ storeId: z.string(), status: z.string(), amount: z.string(), currency: z.string(), updatedAt: z.string() })
    .describe("the archive's refund, as it stood when compared"),
  theirs: z
    .object({
      status: z.enum(["succeeded", "failed", "pending"]).nullable().describe("the gateway's refund_status; null when its answer differs in amount"),
      refundId: z.string().nullable(),
      code: z.string().optional().describe("refund_details' code"),
      detail: z.string().optional().describe("what differs (refund_amount_mismatch)"),
    })
    .nullable()
    .describe("the gateway's answer; null: it holds no such refund"),
  action: z
    .enum(refundSettlementActions)
    .optional()
    .describe(
      "refund_status_mismatch only: settled (the gateway's answer recorded now), not_in_redis (the refund left Redis: settle by hand), for_review (ours is final, or the gateway still holds it pending: a person looks)",
    ),
});
export type RefundDiscrepancy = z.infer<typeof RefundDiscrepancy>;

export const RefundResult = z
  .object({
    checked: z.number().int().describe("refunds of the day asked about (created or last changed that day, except those still accepted)"),
    matched: z.array(CurrencyTotal).describe("refunds succeeded on both sides, with the same amount"),
    discrepancies: z.array(RefundDiscrepancy),
  })
  .describe("the day's refunds, each asked about by queryRefund (or its payment's refundList when it has no refund_id)");
export type RefundResult = z.infer<typeof RefundResult>;

export const TerminalResult = z.object({
  account: z.string(),
  terminal: z.string(),
  matched: z.array(CurrencyTotal),
  discrepancies: z.array(Discrepancy),
  refunds: RefundResult.optional().describe("absent in runs stored before refunds were reconciled"),
});
export type TerminalResult = z.infer<typeof TerminalResult>;

export const ReconciliationRun = z.object({
  id: z.string().meta({ example: "rec_0f8fad5b-d9cb-469f-a165-70867728950e" }),
  date: z.string().meta({ example: "2026-03-01" }),
  timeZone: z.string(),
  status: z.enum(["running", "completed", "failed"]),
  partial: z.boolean().describe("the day had not ended when the run started (today)"),
  error: z.string().optional().describe("why the run failed: nothing of a failed run is marked matched"),
  requestedBy: z.string().describe("`schedule`, or the operator who started it"),
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  terminals: z.array(TerminalResult),
});
export type ReconciliationRun = z.infer<typeof ReconciliationRun>;

/** Discrepancies of a run per kind, payments' and refunds' (every kind present, 0 when none). */
export function discrepancyCounts(terminals: readonly TerminalResult[]): Record<DiscrepancyKind, number> {
  const counts = Object.fromEntries([...discrepancyKinds, ...refundDiscrepancyKinds].map((kind) => [kind, 0])) as Record<DiscrepancyKind, number>;
  for (const terminal of terminals) for (const d of [...terminal.discrepancies, ...(terminal.refunds?.discrepancies ?? [])]) counts[d.kind]++;
  return counts;
}

import type { RefundState } from "@oceanpos/core/oceanpayment";
import type { Refund, RefundChange } from "@oceanpos/core/refunds";
import { formatAmount } from "@oceanpos/core/payments";
import type { RefundDiscrepancy } from "./run.js";

/** The fields of an echo that, when the gateway's answer differs there, make a `refund_amount_mismatch`. */
const amountFields: ReadonlySet<string> = new Set(["refund_amount", "refund_currency"]);

/** What one refund's comparison comes to. */
export type RefundFinding =
  /** The gateway says what we hold (`succeeded`: counted as matched money). */
  | { kind: "agreed"; refund: Refund }
  /** A discrepancy; `change` is the gateway's answer as the one mapping records it, when it has one to record. */
  | { kind: "discrepancy"; discrepancy: Omit<RefundDiscrepancy, "action">; change?: RefundChange }
  /** The gateway's answer could not be had or read: the run fails with this. */
  | { kind: "unusable"; why: string };

/**
 * Compares one refund of the archive with what the gateway said about it (core's
 * `queryRefundState`, decided by the refunds' one mapping, `refund-changes.ts`):
 * - its answer's status is ours: agreed;
 * - it settles or holds the refund otherwise: `refund_status_mismatch` (with the change its answer
 *   makes, which the run records at once as the payer's reconciler would);
 * - its answer names the refund with another amount or currency: `refund_amount_mismatch`;
 * - the payment's refundList, read whole, does not hold it: `refund_missing_there` (a `failed`
 *   refund the gateway never filed agrees);
 * - no usable answer, or the query refused: `unusable`.
 */
export function compareRefund(refund: Refund, state: RefundState): RefundFinding {
  const ours = { storeId: refund.storeId, status: refund.status, amount: formatAmount(refund.amount, refund.currency), currency: refund.currency, updatedAt: refund.updatedAt };
  const base = { orderNumber: refund.orderNumber, refundNumber: refund.refundNumber, refundId: refund.refundId ?? null, ours };
  switch (state.action) {
    case "transition": {
      const { change } = state;
      if (change.to === refund.status) return { kind: "agreed", refund };
      const theirs = { status: change.to === "succeeded" || change.to === "failed" ? change.to : ("pending" as const), refundId: change.set?.refundId ?? refund.refundId ?? null, ...(change.code ? { code: change.code } : {}) };
      return { kind: "discrepancy", discrepancy: { kind: "refund_status_mismatch", ...base, theirs }, change };
    }
    case "open":
      if (refund.status === "pending") return { kind: "agreed", refund };
      return { kind: "discrepancy", discrepancy: { kind: "refund_status_mismatch", ...base, theirs: { status: "pending", refundId: refund.refundId ?? null } } };
    case "no_attempt":
      if (refund.status === "failed") return { kind: "agreed", refund };
      return { kind: "discrepancy", discrepancy: { kind: "refund_missing_there", ...base, theirs: null } };
    case "unanswered": {
      const { failure } = state;
      if (failure.kind === "ambiguous" && failure.reason === "mismatch" && failure.field !== undefined && amountFields.has(failure.field)) {
        return { kind: "discrepancy", discrepancy: { kind: "refund_amount_mismatch", ...base, theirs: { status: null, refundId: refund.refundId ?? null, detail: failure.message } } };
      }
      return { kind: "unusable", why: `${failure.reason}: ${failure.message}` };
    }
    case "refused":
      return { kind: "unusable", why: `the query was refused (${state.code})` };
    default: {
      const never: never = state;
      return never;
    }
  }
}

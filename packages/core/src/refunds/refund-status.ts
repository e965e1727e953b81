export const refundStatuses = ["accepted", "submitting", "pending", "succeeded", "failed", "needs_review"] as const;

export type RefundStatus = (typeof refundStatuses)[number];

export const finalRefundStatuses: ReadonlySet<RefundStatus> = new Set(["succeeded", "failed"]);

/**
 * The contract's refund state machine: `pending` is a refund Oceanpayment filed and may hold up to
 * 30 days for funds; `needs_review` waits for a person. Final statuses go nowhere.
 */
const allowed: Record<RefundStatus, readonly RefundStatus[]> = {
  accepted: ["submitting"],
  submitting: ["pending", "succeeded", "failed", "needs_review"],
  pending: ["succeeded", "failed", "needs_review"],
  needs_review: ["succeeded", "failed"],
  succeeded: [],
  failed: [],
};

export function isRefundFinal(status: RefundStatus): boolean {
  return finalRefundStatuses.has(status);
}

export function canRefundTransition(from: RefundStatus, to: RefundStatus): boolean {
  return allowed[from].includes(to);
}

/**
 * The one exception to "a final refund never changes", as for payments: the gateway shows a
 * refund we hold as `failed` paid out. Recorded as `needs_review` with both facts, its amount held
 * again, for a person (`RefundStore.transition`).
 */
export function isRefundContradiction(from: RefundStatus, to: RefundStatus): boolean {
  return from === "failed" && to === "succeeded";
}

/** Whether a refund in this status counts against its payment's amount: every one that is not `failed`. */
export function holdsAmount(status: RefundStatus): boolean {
  return status !== "failed";
}

export const paymentStatuses = [
  "accepted",
  "submitting",
  "awaiting_customer",
  "pending",
  "succeeded",
  "failed",
  "voided",
  "needs_review",
] as const;

export type PaymentStatus = (typeof paymentStatuses)[number];

export const finalStatuses: ReadonlySet<PaymentStatus> = new Set(["succeeded", "failed", "voided"]);

/** The contract's state machine: where each status may go next. Final statuses go nowhere. */
const allowed: Record<PaymentStatus, readonly PaymentStatus[]> = {
  accepted: ["submitting"],
  submitting: ["awaiting_customer", "pending", "succeeded", "failed", "needs_review"],
  awaiting_customer: ["succeeded", "failed", "voided", "needs_review"],
  pending: ["succeeded", "failed", "voided", "needs_review"],
  needs_review: ["succeeded", "failed"],
  succeeded: [],
  failed: [],
  voided: [],
};

export function isFinal(status: PaymentStatus): boolean {
  return finalStatuses.has(status);
}

/**
 * The contract's one exception to "a final status never changes", which exists to protect money:
 * the gateway shows a success (a charge) for a payment held as `failed` or `voided`. Such a move is
 * recorded as `needs_review` with both facts, for a person (`PaymentStore.transition`).
 */
export function isGatewayContradiction(from: PaymentStatus, to: PaymentStatus): boolean {
  return (from === "failed" || from === "voided") && to === "succeeded";
}

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return allowed[from].includes(to);
}

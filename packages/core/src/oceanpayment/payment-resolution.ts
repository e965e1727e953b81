import type { Payment } from "../payments/payment.js";
import type { TransitionChange } from "../payments/payment-store.js";
import type { RefundChange } from "../refunds/refund-store.js";
import type { GatewayView } from "./order-query.js";
import { assertNever } from "./pay-outcome.js";
import { settlementDecision } from "./payment-changes.js";

/** What an operator settles a `needs_review` payment (or refund) as, and why. */
export interface Resolution {
  status: "succeeded" | "failed";
  reason: string;
  /** The operator's name, kept in the history entry. */
  operator: string;
}

/**
 * What an operator's resolve becomes once the gateway was asked once more (contract: "resolve"):
 * - `transition`: the change to record, always as `source: "operator"` with the operator's name
 *   and reason (only an operator moves a payment a contradiction holds for review); `by` says
 *   whose word it is: `gateway` when its answer settles the payment (it wins, even against the
 *   operator's choice), `operator` when it does not (no attempt at the gateway: nothing charged,
 *   so `failed` stands; the gateway could not be asked: the decision is applied, and the history
 *   says so);
 * - `void`: the gateway holds the order open and the operator says `failed`: void it first (the
 *   void's confirmation, or a query after it, then decides);
 * - `refuse`: the operator says `succeeded` while the gateway shows no charge (pending, or no
 *   attempt at all): recording money that was not taken is not a resolution.
 */
export type ResolveDecision =
  | { action: "transition"; change: TransitionChange; by: "gateway" | "operator" }
  | { action: "void" }
  | { action: "refuse"; why: string };

export function resolveDecision(payment: Payment, view: GatewayView, resolution: Resolution): ResolveDecision {
  const byOperator = (note: string): ResolveDecision => ({
    action: "transition",
    by: "operator",
    change: { to: resolution.status, source: "operator", operator: resolution.operator, reason: `${resolution.reason} (${note})` },
  });
  switch (view.status) {
    case "succeeded":
    case "failed": {
      const decision = settlementDecision(payment, view, "operator");
      if (decision.action !== "transition") return { action: "refuse", why: `the gateway's answer (${view.status}) settles nothing` };
      const { change } = decision;
      const note = change.to === resolution.status ? `confirmed by the gateway` : `resolved as ${resolution.status}; the gateway's answer, ${change.to}, wins`;
      return { action: "transition", by: "gateway", change: { ...change, operator: resolution.operator, reason: `${resolution.reason} (${note})` } };
    }
    case "pending":
      if (resolution.status === "failed") return { action: "void" };
      return { action: "refuse", why: "the gateway holds the order open (pending): nothing has been charged yet; resolve it as failed to void it, or wait" };
    case "no_attempt":
      if (resolution.status === "failed") return byOperator("the gateway holds no attempt: nothing was charged");
      return { action: "refuse", why: "the gateway holds no attempt for this order: nothing was charged" };
    case "unreachable":
      return byOperator(`the gateway could not be asked: ${view.why}`);
    default:
      return assertNever(view);
  }
}

/**
 * What the gateway says about a refund when a person asks (`askGatewayAboutRefund`): settled
 * (with the change its answer makes), still pending, never filed (the payment's refundList, read
 * whole, does not hold it), or that it could not be asked.
 */
export type RefundView =
  | { status: "succeeded" | "failed"; change: RefundChange }
  | { status: "pending" }
  | { status: "no_attempt" }
  | { status: "unreachable"; why: string };

/**
 * A refund's resolve, as {@link resolveDecision} for payments: the gateway's settled answer wins;
 * a refund it still holds pending is not resolved by hand (a refund cannot be voided: it may still
 * pay out); one it never filed can only be `failed`; when the gateway cannot be asked the
 * operator's decision is applied with that noted.
 */
export function refundResolveDecision(view: RefundView, resolution: Resolution): { action: "transition"; change: RefundChange; by: "gateway" | "operator" } | { action: "refuse"; why: string } {
  switch (view.status) {
    case "succeeded":
    case "failed": {
      const note = view.status === resolution.status ? "confirmed by the gateway" : `resolved as ${resolution.status}; the gateway's answer, ${view.status}, wins`;
      return { action: "transition", by: "gateway", change: { ...view.change, source: "operator", operator: resolution.operator, reason: `${resolution.reason} (${note})` } };
    }
    case "pending":
      return { action: "refuse", why: "the gateway holds the refund pending: it may still pay out; wait for its answer" };
    case "no_attempt":
      if (resolution.status === "succeeded") return { action: "refuse", why: "the gateway holds no such refund: nothing was paid out" };
      return {
        action: "transition",
        by: "operator",
        change: { to: "failed", source: "operator", operator: resolution.operator, reason: `${resolution.reason} (the gateway holds no such refund: nothing was paid out)` },
      };
    case "unreachable":
      return {
        action: "transition",
        by: "operator",
        change: { to: resolution.status, source: "operator", operator: resolution.operator, reason: `${resolution.reason} (the gateway could not be asked: ${view.why})` },
      };
    default:
      return assertNever(view);
  }
}

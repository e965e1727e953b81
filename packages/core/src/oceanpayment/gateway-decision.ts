import type { PaymentDetails } from "./gateway-codes.js";
import type { GatewayFailure } from "./gateway-failure.js";

/**
 * What an Oceanpayment answer means for one of our resources, whichever it is (a payment, a
 * refund): the one set of decision values the mapping module (`payment-changes.ts`,
 * `refund-changes.ts`) returns and the payer and the notifier carry out. `Change` is the
 * resource's transition; `Mismatch` why a notice is not about it.
 */
export type GatewayDecision<Change, Mismatch = never> =
  /** Record this change (the store's compare-and-set still refuses what the state machine forbids). */
  | { action: "transition"; change: Change }
  /** The answer does not settle it by itself: a query decides. */
  | { action: "query"; why: string }
  /** No answer (not sent, 5xx, time-out, unusable document): nothing is learnt; ask again later. */
  | { action: "unanswered"; failure: GatewayFailure }
  /** The gateway refused the request as sent (200xx): sending it again cannot help. */
  | { action: "refused"; code: string }
  /** Something the gateway holds that can still complete: nothing to record yet. */
  | { action: "open" }
  /** The gateway holds nothing at all: the one answer after which a (re)send is safe. */
  | { action: "no_attempt" }
  /** A notice that is not about this resource as we sent it. */
  | { action: "reject"; reason: Mismatch }
  /** A notice deliberately not acted on (20061). */
  | { action: "ignore"; why: string }
  /** A notice with nothing left to say (the resource is past that news). */
  | { action: "unchanged"; why: string };

export type DecisionOf<D extends { action: string }, A extends D["action"]> = Extract<D, { action: A }>;

/** The resource's `gateway` field from a `code:text` details value. */
export function gatewayOf(details: PaymentDetails): { code: string; message: string } {
  return { code: details.code, message: details.message };
}

import {
  GatewayPermanentError,
  type OceanpaymentClient,
  type OceanpaymentCredentials,
  type RefundDecisionOf,
  queryOutcomeError,
  refundPaymentQueryDecision,
  refundQueryDecision,
  sentOrderOf,
} from "@oceanpos/core/oceanpayment";
import type { Payment } from "@oceanpos/core/payments";
import type { Refund } from "@oceanpos/core/refunds";
import type { PayerMetrics } from "./payer-metrics.js";

/** What the gateway says about a refund, decided by the one mapping. */
export type RefundState = RefundDecisionOf<"transition" | "open" | "no_attempt" | "unanswered" | "refused">;

/** A refunded payment as the payer reads it: succeeded, so it knows its attempt's payment_id. */
export type RefundedPayment = Payment & { paymentId: string };

/**
 * Asks the gateway about one refund: by queryRefund when its refund_id is known, else by the
 * payment's query, whose refunded attempt lists every refund filed against it (by our refund
 * number). Only that list, read whole, can say "never filed" (`no_attempt`).
 */
export async function queryRefundState(
  client: OceanpaymentClient,
  metrics: PayerMetrics,
  credentials: OceanpaymentCredentials,
  payment: RefundedPayment,
  refund: Refund,
): Promise<RefundState> {
  if (refund.refundId !== undefined) {
    const outcome = await client.queryRefund(credentials, {
      refundId: refund.refundId,
      orderNumber: payment.orderNumber,
      paymentId: payment.paymentId,
      refundNumber: refund.refundNumber,
      amount: refund.amount,
      currency: refund.currency,
    });
    metrics.refundQueries.inc({ via: "refund_query", result: outcome.kind });
    return refundQueryDecision(refund, outcome);
  }
  const outcome = await client.query(credentials, [sentOrderOf(payment)]);
  metrics.refundQueries.inc({ via: "payment_query", result: outcome.kind });
  return refundPaymentQueryDecision(refund, payment, outcome);
}

/** The error a run throws for a query that settled nothing: no answer (the run parks), or a refused query (permanent). */
export function refundQueryError(state: RefundDecisionOf<"unanswered" | "refused">): Error {
  if (state.action === "refused") return new GatewayPermanentError(`refund query: request refused by Oceanpayment (${state.code})`, { reason: "rejected", gatewayCode: state.code });
  return queryOutcomeError(state.failure) as Error;
}

import {
  GatewayPermanentError,
  type OceanpaymentClient,
  type OceanpaymentCredentials,
  type RefundDecisionOf,
  type RefundState,
  type RefundedPayment,
  queryOutcomeError,
  queryRefundState as askAboutRefund,
} from "@oceanpos/core/oceanpayment";
import type { Refund } from "@oceanpos/core/refunds";
import type { PayerMetrics } from "./payer-metrics.js";

export type { RefundState, RefundedPayment };

/** Core's {@link askAboutRefund} (one way to ask about a refund), counted in `refund_queries_total`. */
export function queryRefundState(client: OceanpaymentClient, metrics: PayerMetrics, credentials: OceanpaymentCredentials, payment: RefundedPayment, refund: Refund): Promise<RefundState> {
  return askAboutRefund(client, credentials, payment, refund, (via, result) => metrics.refundQueries.inc({ via, result }));
}

/** The error a run throws for a query that settled nothing: no answer (the run parks), or a refused query (permanent). */
export function refundQueryError(state: RefundDecisionOf<"unanswered" | "refused">): Error {
  if (state.action === "refused") return new GatewayPermanentError(`refund query: request refused by Oceanpayment (${state.code})`, { reason: "rejected", gatewayCode: state.code });
  return queryOutcomeError(state.failure) as Error;
}

import {
  type OceanpaymentClient,
  type OceanpaymentCredentials,
  type QueryOutcome,
  type Settlement,
  assertNever,
  queryOutcomeError,
  sentOrderOf,
  settle,
} from "@oceanpos/core/oceanpayment";
import type { Payment } from "@oceanpos/core/payments";
import type { PayerMetrics } from "./payer-metrics.js";

/**
 * Asks the gateway about one payment's order and returns what its attempts add up to (`settle`:
 * any success wins). A failed query, or an answer that says nothing clear about the order, throws
 * the mapped outcome error (`GatewayRetryableError`, or `GatewayPermanentError` when the gateway
 * refuses the query itself): the job retries and its next run queries again.
 */
export async function queryOrder(
  client: OceanpaymentClient,
  metrics: PayerMetrics,
  credentials: OceanpaymentCredentials,
  payment: Payment,
): Promise<Settlement> {
  const outcome = await client.query(credentials, [sentOrderOf(payment)]);
  metrics.queries.inc({ result: outcome.kind });
  return settlementOf(outcome, payment.orderNumber);
}

function settlementOf(outcome: QueryOutcome, orderNumber: string): Settlement {
  switch (outcome.kind) {
    case "answered": {
      const settlement = settle(outcome.orders.get(orderNumber));
      if (settlement.status === "unclear") throw queryOutcomeError(settlement.failure) as Error;
      return settlement;
    }
    case "rejected":
    case "retryable":
    case "ambiguous":
      throw queryOutcomeError(outcome) as Error;
    default:
      return assertNever(outcome);
  }
}

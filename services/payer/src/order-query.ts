import {
  type OceanpaymentClient,
  type OceanpaymentCredentials,
  type QueryOutcome,
  type Settlement,
  assertNever,
  queryOutcomeError,
  settle,
} from "@oceanpos/core/oceanpayment";
import type { PayerMetrics } from "./payer-metrics.js";

/**
 * Asks the gateway about one order and returns what its attempts add up to (`settle`: any success
 * wins). A failed query throws the mapped outcome error (`GatewayRetryableError`, or
 * `GatewayPermanentError` when the gateway refuses the query itself): the job retries and its
 * next run queries again.
 */
export async function queryOrder(
  client: OceanpaymentClient,
  metrics: PayerMetrics,
  credentials: OceanpaymentCredentials,
  orderNumber: string,
): Promise<Settlement> {
  const outcome = await client.query(credentials, [orderNumber]);
  metrics.queries.inc({ result: outcome.kind });
  return settlementOf(outcome, orderNumber);
}

function settlementOf(outcome: QueryOutcome, orderNumber: string): Settlement {
  switch (outcome.kind) {
    case "answered":
      return settle(outcome.orders.get(orderNumber) ?? []);
    case "rejected":
    case "retryable":
    case "ambiguous":
      throw queryOutcomeError(outcome) as Error;
    default:
      return assertNever(outcome);
  }
}

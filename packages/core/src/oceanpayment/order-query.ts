import type { Payment } from "../payments/payment.js";
import { GatewayAmbiguousError, GatewayPermanentError, GatewayRetryableError } from "./errors.js";
import type { OceanpaymentClient } from "./oceanpayment-client.js";
import { queryOutcomeError } from "./outcome-errors.js";
import { assertNever } from "./pay-outcome.js";
import { sentOrderOf } from "./payment-changes.js";
import { type QueryOutcome, type Settlement, settle } from "./query-outcome.js";
import type { OceanpaymentCredentials } from "./request-validation.js";

/**
 * Asks the gateway about one payment's order and returns what its attempts add up to (`settle`:
 * any success wins). A failed query, or an answer that says nothing clear about the order, throws
 * the mapped outcome error (`GatewayRetryableError`, or `GatewayPermanentError` when the gateway
 * refuses the query itself): a payer job retries and its next run queries again; an operator's
 * call reports that the gateway could not be asked. `answered` gets each call's outcome kind (a
 * metric label).
 */
export async function queryOrder(
  client: OceanpaymentClient,
  credentials: OceanpaymentCredentials,
  payment: Payment,
  answered?: (kind: QueryOutcome["kind"]) => void,
): Promise<Settlement> {
  const outcome = await client.query(credentials, [sentOrderOf(payment)]);
  answered?.(outcome.kind);
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

/** What the gateway says about an order when a person asks: its settlement, or that it could not be asked. */
export type GatewayView = Settlement | { status: "unreachable"; why: string };

/**
 * {@link queryOrder} for an operator's call, which reports rather than retries: a query that gets
 * no usable answer (no answer, an unclear one, the query refused) is `unreachable`, with why.
 */
export async function askGateway(client: OceanpaymentClient, credentials: OceanpaymentCredentials, payment: Payment): Promise<GatewayView> {
  try {
    return await queryOrder(client, credentials, payment);
  } catch (error) {
    if (error instanceof GatewayRetryableError || error instanceof GatewayAmbiguousError || error instanceof GatewayPermanentError) {
      return { status: "unreachable", why: error.message };
    }
    throw error;
  }
}

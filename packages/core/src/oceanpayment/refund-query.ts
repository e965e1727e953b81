import type { Payment } from "../payments/payment.js";
import type { Refund } from "../refunds/refund.js";
import type { OceanpaymentClient } from "./oceanpayment-client.js";
import { sentOrderOf } from "./payment-changes.js";
import { assertNever } from "./pay-outcome.js";
import type { RefundView } from "./payment-resolution.js";
import { type RefundDecisionOf, refundPaymentQueryDecision, refundQueryDecision } from "./refund-changes.js";
import type { OceanpaymentCredentials } from "./request-validation.js";

/** What the gateway says about a refund, decided by the one mapping (`refund-changes.ts`). */
export type RefundState = RefundDecisionOf<"transition" | "open" | "no_attempt" | "unanswered" | "refused">;

/** A refunded payment: succeeded, so it knows its attempt's payment_id. */
export type RefundedPayment = Pick<Payment, "orderNumber" | "currency" | "amount" | "notes"> & { paymentId: string };

/** Which call answered ({@link queryRefundState}), and the outcome kind it read: for the caller's metrics. */
export type RefundQueryObserver = (via: "refund_query" | "payment_query", result: string) => void;

/**
 * Asks the gateway about one refund: by queryRefund when its refund_id is known, else by the
 * payment's query, whose refunded attempt lists every refund filed against it (by our refund
 * number). Only that list, read whole, can say "never filed" (`no_attempt`). The payer's
 * reconciler and refund runs, the ledger's daily reconciliation and an operator's resolve ask
 * through this one function.
 */
export async function queryRefundState(
  client: Pick<OceanpaymentClient, "query" | "queryRefund">,
  credentials: OceanpaymentCredentials,
  payment: RefundedPayment,
  refund: Refund,
  observe: RefundQueryObserver = () => undefined,
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
    observe("refund_query", outcome.kind);
    return refundQueryDecision(refund, outcome);
  }
  const outcome = await client.query(credentials, [sentOrderOf(payment)]);
  observe("payment_query", outcome.kind);
  return refundPaymentQueryDecision(refund, payment, outcome);
}

/**
 * {@link queryRefundState} for an operator's call, which reports rather than retries (as
 * `askGateway` is for payments): what the answer settles, holds open or never saw; a query that
 * gets no usable answer, or a payment without the payment_id to ask by, is `unreachable` with why.
 */
export async function askGatewayAboutRefund(
  client: Pick<OceanpaymentClient, "query" | "queryRefund">,
  credentials: OceanpaymentCredentials,
  payment: Pick<Payment, "orderNumber" | "currency" | "amount" | "notes" | "paymentId">,
  refund: Refund,
): Promise<RefundView> {
  if (payment.paymentId === undefined) return { status: "unreachable", why: `payment ${payment.orderNumber} has no payment_id to ask about its refunds by` };
  const state = await queryRefundState(client, credentials, { ...payment, paymentId: payment.paymentId }, refund);
  switch (state.action) {
    case "transition": {
      const { change } = state;
      return change.to === "succeeded" || change.to === "failed" ? { status: change.to, change } : { status: "pending" };
    }
    case "open":
      return { status: "pending" };
    case "no_attempt":
      return { status: "no_attempt" };
    case "refused":
      return { status: "unreachable", why: `the refund query was refused (${state.code})` };
    case "unanswered":
      return { status: "unreachable", why: `${state.failure.reason}: ${state.failure.message}` };
    default:
      return assertNever(state);
  }
}

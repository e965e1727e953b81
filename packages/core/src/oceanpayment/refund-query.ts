import type { Payment } from "../payments/payment.js";
import type { Refund } from "../refunds/refund.js";
import type { OceanpaymentClient } from "./oceanpayment-client.js";
import { sentOrderOf } from "./payment-changes.js";
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

import { InvalidRequestError } from "@oceanpos/core/http";
import { type Payment, type PaymentRef, currencyAmountProblem, requestFingerprint } from "@oceanpos/core/payments";
import type { Refund, RefundRequest, RefundStore } from "@oceanpos/core/refunds";
import { buildRefund } from "./build-refund.js";
import { NotFoundError, PaymentNotRefundableError, RefundExceedsPaymentError, RefundIdempotencyConflictError } from "./errors.js";
import type { IntakeMetrics } from "./metrics.js";

export interface RefundIntakeOptions {
  refunds: RefundStore;
  metrics: IntakeMetrics;
  clock: () => Date;
}

/** The payment to refund, as the route found it for its caller (`paymentTarget`). */
export interface RefundTarget {
  ref: PaymentRef;
  payment: Payment;
  /** The store the refund is counted for in metrics. */
  store: { id: string };
}

export type RefundAcceptOutcome =
  | { kind: "created"; refund: Refund }
  | { kind: "replayed"; refund: Refund }
  /** The payment the script found is not the one read (it left and its order number was reused): read it again. */
  | { kind: "payment_changed" };

/**
 * Accepting refunds: one script call that, atomically, replays an existing refund number, checks
 * that the payment `succeeded` and that its refunds that are not `failed` stay within its amount,
 * and creates the refund with its event and its feed entry (`RefundStore.create`). Replays,
 * conflicts and refusals are decided from what the script found, never from an earlier read, so
 * concurrent requests and intake replicas agree. Every refusal changes nothing.
 */
export class RefundIntake {
  constructor(private readonly options: RefundIntakeOptions) {}

  async accept(target: RefundTarget, request: RefundRequest): Promise<RefundAcceptOutcome> {
    const { payment, ref, store } = target;
    const problem = currencyAmountProblem(request.amount, payment.currency);
    if (problem !== undefined) throw new InvalidRequestError([{ path: "amount", message: problem }]);
    const refund = buildRefund(payment, request, this.options.clock());
    // The validated body: key order and whitespace do not matter, every field does.
    const requestHash = requestFingerprint(request);
    const result = await this.options.refunds.create({ ...ref, refundNumber: request.refundNumber, refund, requestHash });
    const count = (outcome: string) => this.options.metrics.refundRequests.inc({ store: store.id, outcome });
    switch (result.outcome) {
      case "created":
        count("accepted");
        return { kind: "created", refund: result.refund };
      case "exists":
        if (result.requestHash !== requestHash) {
          count("idempotency_conflict");
          throw new RefundIdempotencyConflictError(payment.orderNumber, request.refundNumber);
        }
        count("replayed");
        return { kind: "replayed", refund: result.refund };
      case "not_refundable":
        count("payment_not_refundable");
        throw new PaymentNotRefundableError(payment.orderNumber, result.paymentStatus);
      case "exceeds_payment":
        count("refund_exceeds_payment");
        throw new RefundExceedsPaymentError(payment.orderNumber, result.refundableAmount, payment.currency);
      case "payment_not_found":
        throw new NotFoundError(`no payment with orderNumber ${payment.orderNumber} for this store`);
      case "payment_changed":
        return { kind: "payment_changed" };
      default:
        return result satisfies never;
    }
  }
}

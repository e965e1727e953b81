import { ApiError, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { centsToAmount } from "./field-rules.js";
import type { Refund } from "./ledger.js";
import type { RefundEngine } from "./refund-engine.js";
import { details } from "./result-codes.js";

export interface RefundControlRoutesOptions {
  refunds: RefundEngine;
}

const BalanceRequest = z.object({ sufficient: z.boolean() }).strict();

/** A refund as the controls show it (the ledger's view, plus the order it belongs to and its details). */
function refundView(refund: Refund) {
  const { attempt } = refund;
  return {
    refundId: refund.refundId,
    refundNumber: refund.refundNumber,
    orderNumber: attempt.order.orderNumber,
    paymentId: attempt.paymentId,
    refundType: refund.type,
    amount: centsToAmount(refund.cents, attempt.currency),
    currency: attempt.currency,
    status: refund.status,
    held: refund.held,
    details: refund.result ? details(refund.result) : "",
  };
}

/**
 * Refund controls (JSON): the merchant balance Oceanpayment pays refunds from, and failing a
 * pending refund as Oceanpayment does when the balance stays short for 30 days.
 */
export function registerRefundControlRoutes(app: FastifyInstance, options: RefundControlRoutesOptions): void {
  const { refunds } = options;

  app.get("/sandbox/balance", async () => refunds.balance);
  app.post("/sandbox/balance", async (request) => refunds.setBalance(parseOrThrow(BalanceRequest, request.body).sufficient));

  app.post<{ Params: { refundId: string } }>("/sandbox/refunds/:refundId/fail", async (request) => {
    const outcome = refunds.fail(request.params.refundId);
    switch (outcome) {
      case "not_found":
        throw new ApiError(404, "not_found", "no refund with this refund id");
      case "final":
        throw new ApiError(409, "refund_final", "the refund already succeeded or failed");
      default:
        return refundView(outcome);
    }
  });
}

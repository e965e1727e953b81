import { parseOrThrow } from "@oceanpos/core/http";
import type { PaymentStore } from "@oceanpos/core/payments";
import type { RefundStore } from "@oceanpos/core/refunds";
import { PaymentArchive } from "@oceanpos/core/archive";
import { type PaymentReview, StoreQuery, operatorPayment, registerReviewRoutes } from "@oceanpos/core/review";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import type { ReadAuth } from "../http/auth.js";
import { errorResponses } from "../http/schemas.js";

export interface LedgerReviewOptions {
  review: PaymentReview;
  stores: StoreRegistry;
  payments: Pick<PaymentStore, "get">;
  refunds: Pick<RefundStore, "get">;
  /** The archive (this ledger's tables): payments that have left Redis. */
  pool: pg.Pool;
  auth: ReadAuth;
}

/**
 * The contract's operator calls on one payment, served by the ledger too (`POST
 * /v1/payments/{orderNumber}/query`, `…/resolve`, `…/refunds/{refundNumber}/resolve`): core's
 * review routes and `PaymentReview`, as on the intake (the same answers, roles and audit), with
 * the operator checked by the ledger's auth and the payment found in Redis, else in the archive.
 */
export async function registerLedgerReviewRoutes(app: FastifyInstance, options: LedgerReviewOptions): Promise<void> {
  // The ledger's own tables, read as the intake reads them; a failed read is the ledger's own error.
  const archive = new PaymentArchive({ pool: options.pool, unavailable: (cause) => (cause instanceof Error ? cause : new Error(String(cause))) });
  const lookup = { stores: options.stores, payments: options.payments, archive };
  await app.register(
    async (v1) =>
      registerReviewRoutes(v1, {
        review: options.review,
        target: (request, orderNumber) => operatorPayment(lookup, parseOrThrow(StoreQuery, request.query ?? {}, "query").storeId, orderNumber),
        refund: (target, refundNumber) => options.refunds.get({ ...target.ref, refundNumber }),
        operator: (request, action) => options.auth.operator(request, action),
        errorResponses,
        securityScheme: "bearer",
      }),
    { prefix: "/v1" },
  );
}

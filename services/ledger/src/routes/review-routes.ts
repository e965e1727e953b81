import { parseOrThrow } from "@oceanpos/core/http";
import type { PaymentStore } from "@oceanpos/core/payments";
import type { RefundStore } from "@oceanpos/core/refunds";
import {
  type ArchivedPayment,
  type PaymentArchiveReader,
  type PaymentReview,
  StoreQuery,
  archivedPaymentOf,
  archivedPaymentSql,
  operatorPayment,
  registerReviewRoutes,
} from "@oceanpos/core/review";
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

/** The ledger's own tables, read as the intake reads them (core's `archivedPaymentSql`). */
class LedgerArchive implements PaymentArchiveReader {
  constructor(private readonly pool: pg.Pool) {}

  async find(storeId: string, orderNumber: string): Promise<ArchivedPayment | undefined> {
    return (await this.query(archivedPaymentSql.byStore, [storeId, orderNumber]))[0];
  }

  findEveryStore(orderNumber: string): Promise<ArchivedPayment[]> {
    return this.query(archivedPaymentSql.byNumber, [orderNumber]);
  }

  private async query(text: string, values: string[]): Promise<ArchivedPayment[]> {
    const { rows } = await this.pool.query<{ payment: string; refunds: string }>(text, values);
    return rows.map(archivedPaymentOf);
  }
}

/**
 * The contract's operator calls on one payment, served by the ledger too (`POST
 * /v1/payments/{orderNumber}/query`, `…/resolve`, `…/refunds/{refundNumber}/resolve`): core's
 * review routes and `PaymentReview`, as on the intake (the same answers, roles and audit), with
 * the operator checked by the ledger's auth and the payment found in Redis, else in the archive.
 */
export async function registerLedgerReviewRoutes(app: FastifyInstance, options: LedgerReviewOptions): Promise<void> {
  const lookup = { stores: options.stores, payments: options.payments, archive: new LedgerArchive(options.pool) };
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

import type { AuditLog } from "@oceanpos/core/audit";
import type { PaymentArchive } from "@oceanpos/core/archive";
import type { PaymentRetention, PaymentStore } from "@oceanpos/core/payments";
import type { RefundStore } from "@oceanpos/core/refunds";
import { type FoundPayment, type PaymentLookup, type PaymentReview, storePayment } from "@oceanpos/core/review";
import type { Store, StoreRegistry } from "@oceanpos/core/stores";
import type { IntakeQueues } from "../jobs.js";
import type { PaymentIntake } from "../payment-intake.js";
import type { PaymentWaiter } from "../payment-waiter.js";
import type { RefundIntake } from "../refund-intake.js";
import { beforeAnyWrite } from "../http/redis-failure.js";

/** What the `/v1` routes need, built once by `buildApp`. */
export interface RouteContext {
  intake: PaymentIntake;
  payments: PaymentStore;
  queues: IntakeQueues;
  waiter: PaymentWaiter;
  stores: StoreRegistry;
  refunds: RefundStore;
  refundIntake: RefundIntake;
  /** Operator actions not recorded with their own Lua step (a refund made with an operator token). */
  audit: AuditLog;
  /** Operators' queries and resolves. */
  review: PaymentReview;
  /** Payments that have left Redis; absent: none are looked up (a 404, as before any left). */
  archive?: PaymentArchive;
  /** Puts an archived payment back into Redis for a refund. */
  retention: PaymentRetention;
}

/** Where the routes look a payment up: Redis, then the archive; a Redis failure here is a 503 that changed nothing. */
export function lookupOf(ctx: RouteContext): PaymentLookup {
  return { stores: ctx.stores, payments: ctx.payments, archive: ctx.archive, read: beforeAnyWrite };
}

/** The store's own payment, or 404 (core's `storePayment`; one that has left Redis: 503 while PostgreSQL is unreachable). */
export function ownPayment(ctx: RouteContext, store: Store, orderNumber: unknown): Promise<FoundPayment> {
  return storePayment(lookupOf(ctx), store, orderNumber);
}

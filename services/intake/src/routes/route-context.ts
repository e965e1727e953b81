import type { AuditLog } from "@oceanpos/core/audit";
import type { Payment, PaymentRef, PaymentRetention, PaymentStore } from "@oceanpos/core/payments";
import { OrderNumber } from "@oceanpos/core/payments";
import type { Refund, RefundStore } from "@oceanpos/core/refunds";
import type { PaymentArchive } from "../archive/payment-archive.js";
import type { Store, StoreRegistry } from "@oceanpos/core/stores";
import { NotFoundError } from "../errors.js";
import type { IntakeQueues } from "../jobs.js";
import type { PaymentIntake } from "../payment-intake.js";
import type { PaymentReview } from "@oceanpos/core/review";
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

/** A payment found for a caller: in Redis, or (`archivedRefunds` set) only in the archive. */
export interface FoundPayment {
  ref: PaymentRef;
  payment: Payment;
  /** Present when the payment has left Redis: its refunds as archived. */
  archivedRefunds?: Refund[];
}

/** The payment's key: order numbers are unique per Oceanpayment account, shared by its stores. */
export function refOf(store: Store, orderNumber: string): PaymentRef {
  return { account: store.oceanpayment.account, orderNumber };
}

/**
 * The store's own payment, or 404. Another store's payment (same account) is reported exactly
 * like a missing one, so a store cannot even learn that an order number is in use elsewhere.
 * One that has left Redis is read from the archive (503 while PostgreSQL is unreachable).
 */
export async function ownPayment(ctx: RouteContext, store: Store, orderNumber: unknown): Promise<FoundPayment> {
  const parsed = OrderNumber.safeParse(orderNumber);
  // Only a well-formed order number is repeated back; anything else came from the URL as is.
  if (!parsed.success) throw new NotFoundError("no payment with this orderNumber for this store");
  const ref = refOf(store, parsed.data);
  // A read: whatever Redis did with it, a failure here changed nothing (a void has not been queued).
  const payment = await beforeAnyWrite(ctx.payments.get(ref));
  if (payment?.storeId === store.id) return { ref, payment };
  // In Redis for another store of the account: that number is not this store's now.
  const archived = payment === undefined ? await ctx.archive?.find(store.id, parsed.data) : undefined;
  if (!archived) throw new NotFoundError(`no payment with orderNumber ${parsed.data} for this store`);
  return { ref, payment: archived.payment, archivedRefunds: archived.refunds };
}

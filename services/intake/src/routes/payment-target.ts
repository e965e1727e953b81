import { InvalidRequestError, parseOrThrow } from "@oceanpos/core/http";
import { OrderNumber, type Payment } from "@oceanpos/core/payments";
import type { Store } from "@oceanpos/core/stores";
import type { FastifyRequest } from "fastify";
import { AmbiguousOrderNumberError, NotFoundError } from "../errors.js";
import { beforeAnyWrite } from "../http/redis-failure.js";
import { StoreQuery } from "../http/schemas.js";
import { type FoundPayment, type RouteContext, ownPayment, refOf } from "./route-context.js";

/** The payment a `/v1/payments/{orderNumber}…` call is about, with its store. */
export interface PaymentTarget extends FoundPayment {
  store: Store;
}

/**
 * The payment the caller names: a store key, its own (404 for another store's, as for a missing
 * one; `?storeId=` may only name itself); the operator token, any store's: `?storeId=` names the
 * store, else the order number is looked up on every configured Oceanpayment account (order numbers
 * are unique per account), and found on several it is `409 ambiguous_order_number`. Reads only:
 * a Redis failure here is a 503 that changed nothing.
 */
export async function paymentTarget(ctx: RouteContext, request: FastifyRequest, orderNumber: unknown): Promise<PaymentTarget> {
  const { storeId } = parseOrThrow(StoreQuery, request.query ?? {}, "query");
  const { caller } = request;
  if (caller.kind === "store") {
    if (storeId !== undefined && storeId !== caller.storeId) throw new NotFoundError("no payment with this orderNumber for this store");
    return { store: request.store, ...(await ownPayment(ctx, request.store, orderNumber)) };
  }
  if (storeId !== undefined) {
    const store = ctx.stores.byStoreId(storeId);
    if (!store) throw new InvalidRequestError([{ path: "storeId", message: "is not a configured store" }], { part: "query" });
    return { store, ...(await ownPayment(ctx, store, orderNumber)) };
  }
  const parsed = OrderNumber.safeParse(orderNumber);
  if (!parsed.success) throw new NotFoundError("no payment with this orderNumber");
  const accounts = [...new Set(ctx.stores.all.map((s) => s.oceanpayment.account))];
  const found = (await beforeAnyWrite(Promise.all(accounts.map((account) => ctx.payments.get({ account, orderNumber: parsed.data }))))).filter(
    (p): p is Payment => p !== undefined,
  );
  if (found.length > 1) throw new AmbiguousOrderNumberError(parsed.data);
  const payment = found[0];
  if (payment === undefined) return archivedTarget(ctx, parsed.data);
  const store = ctx.stores.byStoreId(payment.storeId);
  if (!store) throw new NotFoundError(`no payment with orderNumber ${parsed.data}`);
  return { store, ref: refOf(store, parsed.data), payment };
}

/**
 * The operator's payment that is in no account's Redis: the archive's newest with this number of
 * a configured store (several accounts having one: `ambiguous_order_number`).
 */
async function archivedTarget(ctx: RouteContext, orderNumber: string): Promise<PaymentTarget> {
  const archived = (await ctx.archive?.findEveryStore(orderNumber)) ?? [];
  const found = archived.flatMap((a) => {
    const store = ctx.stores.byStoreId(a.payment.storeId);
    return store ? [{ store, ...a }] : [];
  });
  if (new Set(found.map((f) => f.store.oceanpayment.account)).size > 1) throw new AmbiguousOrderNumberError(orderNumber);
  const newest = found.sort((a, b) => (a.payment.createdAt < b.payment.createdAt ? 1 : -1))[0];
  if (!newest) throw new NotFoundError(`no payment with orderNumber ${orderNumber}`);
  return { store: newest.store, ref: refOf(newest.store, orderNumber), payment: newest.payment, archivedRefunds: newest.refunds };
}

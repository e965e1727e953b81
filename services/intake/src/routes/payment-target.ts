import { parseOrThrow } from "@oceanpos/core/http";
import { type PaymentTarget, StoreQuery, operatorPayment } from "@oceanpos/core/review";
import type { FastifyRequest } from "fastify";
import { NotFoundError } from "../errors.js";
import { type RouteContext, lookupOf, ownPayment } from "./route-context.js";

export type { PaymentTarget };

/**
 * The payment the caller names: a store key, its own (404 for another store's, as for a missing
 * one; `?storeId=` may only name itself); the operator token, any store's (core's
 * `operatorPayment`: `?storeId=`, else every account, else the archive). Reads only: a Redis
 * failure here is a 503 that changed nothing.
 */
export async function paymentTarget(ctx: RouteContext, request: FastifyRequest, orderNumber: unknown): Promise<PaymentTarget> {
  const { storeId } = parseOrThrow(StoreQuery, request.query ?? {}, "query");
  const { caller } = request;
  if (caller.kind === "store") {
    if (storeId !== undefined && storeId !== caller.storeId) throw new NotFoundError("no payment with this orderNumber for this store");
    return { store: request.store, ...(await ownPayment(ctx, request.store, orderNumber)) };
  }
  return operatorPayment(lookupOf(ctx), storeId, orderNumber);
}

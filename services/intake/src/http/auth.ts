import { timingSafeEqual } from "node:crypto";
import { type Caller, bearerToken, tokenDigest } from "@oceanpos/core/http";
import type { Store, StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ForbiddenError, UnauthorizedError } from "../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Who called: a store (its API key) or the operator (`ADMIN_TOKEN`, on routes that allow it). */
    caller: Caller;
    /** The store whose API key authenticated this request; null for the operator. */
    store: Store;
  }
  interface FastifyContextConfig {
    /** The operator token is accepted too (for any store): the refund routes. */
    operatorAllowed?: boolean;
  }
}

export interface StoreAuthOptions {
  stores: StoreRegistry;
  /** `ADMIN_TOKEN`; absent: store keys only. */
  adminToken?: string | undefined;
}

/**
 * `Authorization: Bearer <store API key>` → `request.store`, else 401; the operator token is
 * admitted on the routes that say so (`config.operatorAllowed`) and refused with 403 elsewhere.
 * A store key is looked up first (the hot path: one hash); tokens are compared by digest and never logged.
 */
export function registerStoreAuth(app: FastifyInstance, options: StoreAuthOptions): void {
  const adminDigest = options.adminToken === undefined ? undefined : tokenDigest(options.adminToken);
  app.decorateRequest("store", null as unknown as Store);
  app.decorateRequest<Caller>("caller", null as unknown as Caller);
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const key = bearerToken(request.headers.authorization);
    if (key === undefined) throw new UnauthorizedError();
    const store = options.stores.byApiKey(key);
    // No `request.log.child({ storeId })` here: a child per request is costly even when nothing
    // is logged. The log calls and the error handler add `storeId` themselves.
    if (store) {
      request.store = store;
      request.caller = { kind: "store", storeId: store.id };
      return;
    }
    if (adminDigest === undefined || !timingSafeEqual(tokenDigest(key), adminDigest)) throw new UnauthorizedError();
    if (!request.routeOptions.config.operatorAllowed) throw new ForbiddenError("this route takes a store key, not the operator token");
    request.caller = { kind: "operator" };
  });
}

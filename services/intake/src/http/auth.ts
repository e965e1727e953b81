import { bearerToken } from "@oceanpos/core/http";
import type { Store, StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { UnauthorizedError } from "../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The store whose API key authenticated this request (set on every `/v1` route). */
    store: Store;
  }
}

/** `Authorization: Bearer <store API key>` → `request.store`, else 401. Keys are never logged. */
export function registerStoreAuth(app: FastifyInstance, stores: StoreRegistry): void {
  app.decorateRequest("store", null as unknown as Store);
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const key = bearerToken(request.headers.authorization);
    const store = key === undefined ? undefined : stores.byApiKey(key);
    if (!store) throw new UnauthorizedError();
    // No `request.log.child({ storeId })` here: a child per request is costly even when nothing
    // is logged. The log calls and the error handler add `storeId` themselves.
    request.store = store;
  });
}

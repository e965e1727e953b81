import { type Caller, CallerAuth, type OperatorAction, bearerToken, requirePermission } from "@oceanpos/core/http";
import type { Store, StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ForbiddenError, UnauthorizedError } from "../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Who called: a store (its API key) or an operator (on routes that allow operators). */
    caller: Caller;
    /** The store whose API key authenticated this request; null for an operator. */
    store: Store;
  }
  interface FastifyContextConfig {
    /** Operators are admitted too (for any store), with this right (`requirePermission`). */
    operator?: OperatorAction;
    /** `false`: operators only (a store key is 403). Default true. */
    storeAllowed?: boolean;
  }
}

export interface StoreAuthOptions {
  stores: StoreRegistry;
  /** `ADMIN_TOKEN`; absent: no break-glass operator. */
  adminToken?: string | undefined;
}

/**
 * `Authorization: Bearer <token>` → `request.caller` (and `request.store` for a store key), else
 * 401. A store key is refused with 403 on routes for operators only (`config.storeAllowed:
 * false`); an operator is admitted on the routes that name the right it needs (`config.operator`)
 * when its role has it, and refused with 403 elsewhere. Tokens are compared by digest and never logged.
 */
export function registerStoreAuth(app: FastifyInstance, options: StoreAuthOptions): void {
  const callers = new CallerAuth({ stores: options.stores, adminToken: options.adminToken });
  app.decorateRequest("store", null as unknown as Store);
  app.decorateRequest<Caller>("caller", null as unknown as Caller);
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    const caller = token === undefined ? undefined : callers.callerOfToken(token);
    if (!caller) throw new UnauthorizedError();
    const { config } = request.routeOptions;
    request.caller = caller;
    // No `request.log.child({ storeId })` here: a child per request is costly even when nothing
    // is logged. The log calls and the error handler add `storeId` themselves.
    if (caller.kind === "store") {
      if (config.storeAllowed === false) throw new ForbiddenError("this call needs an operator token");
      request.store = options.stores.byStoreId(caller.storeId) as Store;
      return;
    }
    if (config.operator === undefined) throw new ForbiddenError("this route takes a store key, not an operator token");
    requirePermission(caller, config.operator);
  });
}

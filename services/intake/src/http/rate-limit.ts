import { TokenBucket, rateLimitScopes } from "@oceanpos/core/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { RateLimitedError } from "../errors.js";
import type { IntakeMetrics } from "../metrics.js";
import { beforeAnyWrite } from "./redis-failure.js";

export interface StoreRateLimitOptions {
  redis: Redis;
  keyPrefix: string;
  metrics: IntakeMetrics;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The handler takes the store's token itself, in the same Redis step as its work
     * (`POST /v1/payments`: `PaymentIntake.accept`), so the hook below leaves the route alone.
     */
    storeRateLimitInHandler?: boolean;
  }
}

/**
 * Per-store token bucket (`rateLimit.perSecond`, `rateLimit.burst` from the stores file), shared
 * by every intake replica through Redis. One request costs one token, a batch included: the limit
 * protects the API, while the payer limits gateway calls per terminal. Operator calls take none.
 */
export function registerStoreRateLimit(app: FastifyInstance, options: StoreRateLimitOptions): void {
  const bucket = new TokenBucket({ redis: options.redis, keyPrefix: options.keyPrefix, scope: rateLimitScopes.store });
  app.addHook("onRequest", async (request: FastifyRequest) => {
    // The limit protects the API from a store's tills; the operator is not a store.
    if (request.routeOptions.config.storeRateLimitInHandler || request.caller.kind === "operator") return;
    const { id, rateLimit } = request.store;
    // A token is not the request's work: a failure here changed nothing the client cares about.
    const result = await beforeAnyWrite(bucket.take(id, { ratePerSec: rateLimit.perSecond, burst: rateLimit.burst }));
    if (!result.allowed) {
      options.metrics.rateLimited.inc({ store: id });
      throw new RateLimitedError(result.retryAfterMs);
    }
  });
}

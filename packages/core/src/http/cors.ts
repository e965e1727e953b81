import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

/** Response headers a browser script may read besides the CORS-safelisted ones. */
const exposedHeaders = ["Request-Id", "Location", "Retry-After", "Idempotent-Replayed", "WWW-Authenticate"];

/**
 * CORS for the browser origins of `CORS_ORIGINS` (exact `scheme://host[:port]` matches), preflight
 * included; any other origin, and a request without `Origin`, gets no CORS header at all (its
 * preflight is a 404). Nothing is registered for an empty list. No cookies are involved
 * (credentials are bearer tokens), so `Access-Control-Allow-Credentials` is never sent.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  void app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    exposedHeaders,
    maxAge: 600,
  });
}

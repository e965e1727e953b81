import type { FastifyInstance } from "fastify";
import type { IntakeMetrics } from "../metrics.js";

/** Counts and times every answered request by route template (not raw URL: bounded labels). */
export function registerHttpMetrics(app: FastifyInstance, metrics: IntakeMetrics): void {
  app.addHook("onResponse", async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? "unmatched",
      method: request.method,
      status: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

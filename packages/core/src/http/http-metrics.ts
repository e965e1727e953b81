import type { FastifyInstance } from "fastify";
import { Counter, Histogram, type Registry } from "prom-client";

type HttpLabels = "route" | "method" | "status";

/** What differs between services' HTTP timings: what a request's time covers, and the buckets that fit it. */
export interface HttpMetricsOptions {
  /** `http_request_duration_seconds`'s help: what the time covers for this service (e.g. a held `Prefer: wait`). */
  durationHelp: string;
  /** Histogram buckets in seconds, up to the service's longest expected answer. */
  buckets: number[];
}

/**
 * `http_requests_total` and `http_request_duration_seconds` by route template, method and status:
 * one pair per HTTP service (the registry's default label `service` tells them apart), so that
 * the alerts and dashboards read every service the same way. Counted by {@link observeHttpRequests}.
 */
export class HttpMetrics {
  readonly requests: Counter<HttpLabels>;
  readonly duration: Histogram<HttpLabels>;

  constructor(registry: Registry, options: HttpMetricsOptions) {
    const registers = [registry];
    this.requests = new Counter({
      name: "http_requests_total",
      help: "HTTP requests answered, by route template, method and status code",
      labelNames: ["route", "method", "status"],
      registers,
    });
    this.duration = new Histogram({
      name: "http_request_duration_seconds",
      help: options.durationHelp,
      labelNames: ["route", "method", "status"],
      buckets: options.buckets,
      registers,
    });
  }
}

/** Counts and times every answered request by route template (not the raw URL: bounded labels). */
export function observeHttpRequests(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook("onResponse", async (request, reply) => {
    const labels = { route: request.routeOptions.url ?? "unmatched", method: request.method, status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
  });
}

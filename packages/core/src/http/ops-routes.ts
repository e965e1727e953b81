import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { valueWithin } from "./value-within.js";

/** Resolves when the dependency answers; rejects (or times out) when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface OpsRoutesOptions {
  registry: Registry;
  /** Named dependency checks for `/readyz`, e.g. `{ redis: () => redis.ping() }`. */
  checks: Record<string, ReadinessCheck>;
  /** A check slower than this counts as down; default 1 000 ms. */
  checkTimeoutMs?: number;
  /** True once shutdown began: `/readyz` answers 503 so load balancers drain this process. */
  isShuttingDown?: () => boolean;
}

/** `GET /healthz` (alive), `GET /readyz` (dependencies answer) and `GET /metrics` (Prometheus). */
export function registerOpsRoutes(app: FastifyInstance, options: OpsRoutesOptions): void {
  const timeoutMs = options.checkTimeoutMs ?? 1_000;

  app.get("/healthz", { logLevel: "warn" }, async () => ({ status: "ok" }));

  app.get("/readyz", { logLevel: "warn" }, async (_req, reply) => {
    const results: Record<string, "ok" | "down"> = {};
    await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        results[name] = (await withTimeout(check(), timeoutMs)) ? "ok" : "down";
      }),
    );
    const shuttingDown = options.isShuttingDown?.() ?? false;
    const ready = !shuttingDown && Object.values(results).every((r) => r === "ok");
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "unavailable", shuttingDown, checks: results });
  });

  app.get("/metrics", { logLevel: "warn" }, async (_req, reply) => {
    return reply.header("content-type", options.registry.contentType).send(await options.registry.metrics());
  });
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return (await valueWithin(promise.then(() => true), ms)) ?? false;
}

import { Registry, collectDefaultMetrics } from "prom-client";

/** One Prometheus registry per process (no global default registry), with Node's default metrics. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export { registerOpsRoutes, type OpsRoutesOptions, type ReadinessCheck } from "./ops-routes.js";
export { createMetricsRegistry } from "./metrics-registry.js";

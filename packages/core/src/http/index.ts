export { registerOpsRoutes, type OpsRoutesOptions, type ReadinessCheck } from "./ops-routes.js";
export { createMetricsRegistry } from "./metrics-registry.js";
export { registerQueueMetrics, queueMetricStates, type QueueMetricState, type QueueMetricsOptions } from "./queue-metrics.js";
export { lazyRequestLogger } from "./request-logger.js";
export { registerStreamGroupMetrics, type StreamGroupSource } from "./stream-group-metrics.js";
export { registerRedisMemoryMetrics } from "./redis-memory-metrics.js";

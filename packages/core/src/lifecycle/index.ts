export { limitHeapGrowth } from "./heap-growth.js";
export { RedisConnections, redisConnector, type RedisConnector } from "./redis-connections.js";
export { retryStart, type RetryStartOptions } from "./retry-start.js";
export { defineService, runService, type RunServiceOptions, type Service } from "./service.js";
export { ShutdownCoordinator, type ShutdownCoordinatorOptions, type ShutdownStep } from "./shutdown-coordinator.js";
export { startup } from "./startup.js";

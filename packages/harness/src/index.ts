/**
 * What runs and drives the system outside production: Redis and PostgreSQL as child processes on
 * loopback, free ports, waiting for them. Used by `npm start` (tools/stack), the benchmark, the
 * chaos run and the test fixtures of `@oceanpos/testing`. No test library here: a tool may depend
 * on this package at run time.
 */
export { RedisServerProcess } from "./redis-server-process.js";
export { PostgresServerProcess, waitForConnection, type PostgresServerOptions } from "./postgres-server-process.js";
export { withDatabase } from "./database-url.js";
export { freePort } from "./free-port.js";
export { waitFor } from "./wait-for.js";
export { waitForRedis } from "./wait-for-redis.js";
export { redactUrl } from "./redact-url.js";
export {
  type OutagePaymentResult,
  type OutageScenarioOptions,
  type OutageScenarioResult,
  type OutageSystem,
  outageFaults,
  runGatewayOutage,
} from "./gateway-outage.js";

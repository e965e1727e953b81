export {
  type OutagePaymentResult,
  type OutageScenarioOptions,
  type OutageScenarioResult,
  type OutageSystem,
  outageFaults,
  runGatewayOutage,
} from "./gateway-outage.js";
export { provisionRedis, type TestRedis } from "./provision-redis.js";
export { RedisServerProcess, freePort } from "./redis-server-process.js";
export { useRedis, type RedisFixture } from "./use-redis.js";
export { provisionPostgres, withDatabase, type TestPostgres, type ProvisionPostgresOptions } from "./provision-postgres.js";
export { PostgresServerProcess, waitForConnection, type PostgresServerOptions } from "./postgres-server-process.js";
export { usePostgres, type PostgresFixture } from "./use-postgres.js";
export { waitFor } from "./wait-for.js";

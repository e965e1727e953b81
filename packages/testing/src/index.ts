/**
 * Test fixtures: a Redis and a PostgreSQL per suite, a key prefix and a database per test. Test
 * code only (Vitest hooks, Testcontainers): a dev dependency of whatever uses it.
 */
export { provisionRedis, defaultTestRedisImage, type ProvisionRedisOptions } from "./provision-redis.js";
export type { TestRedis, TestRedisKind } from "./test-redis.js";
export { pingDockerEngine, type DockerEngineAnswer } from "./docker-engine.js";
export { useRedis, type RedisFixture } from "./use-redis.js";
export { rewriteAppendOnlyFile } from "./rewrite-aof.js";
export { provisionPostgres, type TestPostgres, type ProvisionPostgresOptions } from "./provision-postgres.js";
export { usePostgres, type PostgresFixture } from "./use-postgres.js";
// What the fixtures run on, for tests that start servers or wait themselves (tools take them from
// @oceanpos/harness directly).
export {
  type OutagePaymentResult,
  type OutageScenarioOptions,
  type OutageScenarioResult,
  type OutageSystem,
  outageFaults,
  runGatewayOutage,
  PostgresServerProcess,
  RedisServerProcess,
  freePort,
  waitFor,
  waitForConnection,
  withDatabase,
  type PostgresServerOptions,
} from "@oceanpos/harness";
export { checkOpenApiDocument, redoclyConfigPath, type OpenApiCheckOptions, type OpenApiProblem } from "./check-openapi.js";
export { expectContractError, reflectedMarker, routerErrorCases, type InjectedAnswer, type RouterErrorRoutes } from "./contract-error.js";

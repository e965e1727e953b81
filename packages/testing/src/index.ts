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
export { waitFor } from "./wait-for.js";

export { provisionRedis, type TestRedis } from "./provision-redis.js";
export { RedisServerProcess, freePort } from "./redis-server-process.js";
export { useRedis, type RedisFixture } from "./use-redis.js";
export { waitFor } from "./wait-for.js";

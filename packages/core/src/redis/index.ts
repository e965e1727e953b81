export { createRedis, type RedisRole, type CreateRedisOptions } from "./create-redis.js";
export { redisKeys, type RedisKeys } from "./redis-keys.js";
export { Redis } from "ioredis";
export { StreamGroupReader, type StreamGroupReaderOptions, type StreamEntry } from "./stream-group-reader.js";
export { xinfoFields } from "./xinfo-fields.js";
export { streamGroupBacklog } from "./stream-group-backlog.js";
export { ScriptErrorCode } from "./script-error-code.js";
export { StreamGroupWorker, type StreamGroupWorkerOptions, type StartedWork, type EntrySettled } from "./stream-group-worker.js";

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { defaultEventRetentionMs } from "../events/add-event-lua.js";
import { envDurationMs, envOrigins } from "./env-types.js";

/** `config/stores.example.json` at the repository (or image) root, from src/ and dist/ alike. */
const defaultStoresFile = fileURLToPath(new URL("../../../../config/stores.example.json", import.meta.url));

export const commonDefaults = {
  redisUrl: "redis://127.0.0.1:6379",
  storesFile: "config/stores.example.json",
  adminToken: "demo-admin",
  keyPrefix: "op",
} as const;

/** Variables every process reads. */
export const commonEnvShape = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `json` or `pretty` (pino-pretty); unset: `pretty` when NODE_ENV=development, else `json` (`loggerOptionsOf`). */
  LOG_FORMAT: z.enum(["json", "pretty"], { error: 'must be "json" or "pretty"' }).optional(),
  /** Set and not empty: no colours in pretty logs (https://no-color.org). */
  NO_COLOR: z.string().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// URL")
    .default(commonDefaults.redisUrl),
  /** Prefix of every Redis key this project writes (BullMQ queues included). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1-32 of A-Z a-z 0-9 _ -")
    .default(commonDefaults.keyPrefix),
  STORES_FILE: z.string().min(1).optional(),
  ADMIN_TOKEN: z.string().min(8, "must be at least 8 characters").optional(),
  SHUTDOWN_TIMEOUT_MS: envDurationMs(10_000, { min: 100, max: 120_000 }),
  /** Events older than this are trimmed from the event stream (webhook replay and SSE resume reach back this far). */
  EVENT_RETENTION_MS: envDurationMs(defaultEventRetentionMs, { min: 60_000 }),
  /** V8's old generation may grow to (1 + this/100) × what a full collection kept; 0 leaves V8's choice (`limitHeapGrowth`). */
  HEAP_GROWING_PERCENT: z.coerce
    .number({ error: "must be a whole number of percent" })
    .int("must be a whole number of percent")
    .min(0, "must not be negative")
    .max(1000, "must be at most 1000")
    .default(100),
  /** Set by npm to the folder the command was run from; relative paths are resolved against it. */
  INIT_CWD: z.string().optional(),
};

/** Variables of the processes with a public HTTP API (intake, notifier, ledger). */
export const publicApiEnvShape = {
  /** Browser origins that get CORS headers (comma-separated, exact `scheme://host[:port]`); none by default. */
  CORS_ORIGINS: envOrigins(),
};

/**
 * The absolute path of the stores file. A relative STORES_FILE means "relative to where I typed
 * the command" (npm runs scripts in the workspace's folder but records the caller's in
 * INIT_CWD); unset means the repository's example.
 */
export function resolveStoresFile(env: { STORES_FILE?: string | undefined; INIT_CWD?: string | undefined }): string {
  return env.STORES_FILE ? resolve(env.INIT_CWD ?? process.cwd(), env.STORES_FILE) : defaultStoresFile;
}

/**
 * A service's environment schema is `z.object({ ...commonEnvShape, ...its own }).transform(resolveCommon)`.
 * `STORES_FILE` becomes absolute; `ADMIN_TOKEN` defaults to `demo-admin` outside production and is required in production.
 */
export function resolveCommon<
  T extends { ADMIN_TOKEN?: string | undefined; NODE_ENV: string; STORES_FILE?: string | undefined; INIT_CWD?: string | undefined },
>(env: T, ctx: z.RefinementCtx): T & { ADMIN_TOKEN: string; STORES_FILE: string } {
  if (env.ADMIN_TOKEN === undefined && env.NODE_ENV === "production") {
    ctx.addIssue({ code: "custom", path: ["ADMIN_TOKEN"], message: "is required when NODE_ENV=production" });
    return z.NEVER;
  }
  return { ...env, STORES_FILE: resolveStoresFile(env), ADMIN_TOKEN: env.ADMIN_TOKEN ?? commonDefaults.adminToken };
}

export const commonEnvSchema = z.object(commonEnvShape).transform(resolveCommon);
export type CommonConfig = z.output<typeof commonEnvSchema>;

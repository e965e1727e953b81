import { redactUrl } from "@oceanpos/harness";
import { containerRedis } from "./container-redis.js";
import { pingDockerEngine } from "./docker-engine.js";
import { processRedis } from "./process-redis.js";
import type { TestRedis, TestRedisKind } from "./test-redis.js";
import { urlRedis } from "./url-redis.js";

/** The image of a container Redis when `TEST_REDIS_IMAGE` is unset. */
export const defaultTestRedisImage = "redis:7-alpine";

export interface ProvisionRedisOptions {
  /** Names the suite in the line that says which Redis it got (default: none). */
  suite?: string;
}

/**
 * A Redis for one suite, of the kind `TEST_REDIS` names (`url`: the one at `REDIS_URL`;
 * `container`: a Testcontainers container from `TEST_REDIS_IMAGE`, default `redis:7-alpine`;
 * `process`: a `redis-server` child). That kind or an error saying why not: never another.
 * Unset, the first that works of `REDIS_URL`, a container when a Docker engine answers (a container
 * that then fails to start is reported on stderr), a `redis-server` child. One line says which
 * kind the suite got, and why.
 */
export async function provisionRedis(env: Record<string, string | undefined> = process.env, options: ProvisionRedisOptions = {}): Promise<TestRedis> {
  const mode = testRedisMode(env.TEST_REDIS);
  const image = env.TEST_REDIS_IMAGE || defaultTestRedisImage;
  const { redis, why } = mode ? { redis: await mandatory(mode, image, env), why: `TEST_REDIS=${mode}` } : await preferred(image, env);
  const detail = redis.kind === "container" ? `, image ${image}` : "";
  const suite = options.suite ? ` for ${options.suite}` : "";
  process.stdout.write(`test Redis${suite}: ${redis.kind} at ${redactUrl(redis.url)}${detail} (${why})\n`);
  return redis;
}

function testRedisMode(value: string | undefined): TestRedisKind | undefined {
  if (!value) return undefined;
  if (value === "url" || value === "container" || value === "process") return value;
  throw new Error(`TEST_REDIS must be url, container or process (or unset), not "${value}"`);
}

async function mandatory(mode: TestRedisKind, image: string, env: Record<string, string | undefined>): Promise<TestRedis> {
  const fail = (reason: string, cause?: unknown): never => {
    throw new Error(`TEST_REDIS=${mode}: ${reason}`, { cause });
  };
  switch (mode) {
    case "url": {
      if (!env.REDIS_URL) return fail("REDIS_URL is not set; set it to the Redis the tests should use");
      return urlRedis(env.REDIS_URL).catch((err: unknown) => fail(message(err), err));
    }
    case "container": {
      const engine = await pingDockerEngine(env);
      if (!engine.ok) return fail(`no Docker engine answered at ${engine.address} (${engine.reason}); start one or point DOCKER_HOST at one`);
      return containerRedis(image).catch((err: unknown) => fail(message(err), err));
    }
    case "process":
      return processRedis().catch((err: unknown) => fail(message(err), err));
    default: {
      const unknown: never = mode;
      throw new Error(`unknown TEST_REDIS ${String(unknown)}`);
    }
  }
}

async function preferred(image: string, env: Record<string, string | undefined>): Promise<{ redis: TestRedis; why: string }> {
  if (env.REDIS_URL) return { redis: await urlRedis(env.REDIS_URL), why: "REDIS_URL is set" };
  const engine = await pingDockerEngine(env);
  if (!engine.ok) return { redis: await processRedis(), why: `no Docker engine answered at ${engine.address}` };
  try {
    return { redis: await containerRedis(image), why: `a Docker engine answered at ${engine.address}` };
  } catch (err) {
    // The engine is there, so a container was expected: say why there is none, loudly.
    process.stderr.write(
      `test Redis: the Docker engine at ${engine.address} answered, but the container failed: ${message(err)}. Using a redis-server child instead (TEST_REDIS=container makes this an error)\n`,
    );
    return { redis: await processRedis(), why: "the container failed, see above" };
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

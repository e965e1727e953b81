import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type TestRedis, freePort, pingDockerEngine, provisionRedis } from "../src/index.js";

/**
 * Which Redis a suite gets: `TEST_REDIS` makes one kind mandatory (that kind, or an error saying
 * why: never another), unset keeps the preference order. Each case passes its own environment.
 */
describe("provisionRedis", () => {
  const provisioned: TestRedis[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(provisioned.splice(0).map((r) => r.dispose()));
  });
  const provision = async (env: Record<string, string | undefined>) => {
    const redis = await provisionRedis(env);
    provisioned.push(redis);
    return redis;
  };
  /** A URL nothing listens on (a port that was free a moment ago), with a password in it. */
  const deadUrl = async () => `redis://:s3cret-pass@127.0.0.1:${await freePort()}`;
  const noEngine = "unix:///nonexistent/oceanpos-test/docker.sock";
  /** An image no registry can serve: its registry is a closed loopback port. */
  const absentImage = "localhost:1/oceanpos/absent:none";

  async function ping(url: string): Promise<string> {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      await client.connect();
      return await client.ping();
    } finally {
      client.disconnect();
    }
  }

  it("TEST_REDIS=process ignores REDIS_URL, even a broken one, and runs a child of its own", async () => {
    const redis = await provision({ TEST_REDIS: "process", REDIS_URL: await deadUrl(), DOCKER_HOST: noEngine });
    expect(redis.kind).toBe("process");
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await ping(redis.url)).toBe("PONG");
  });

  it("TEST_REDIS=url without REDIS_URL fails, saying so, instead of starting another Redis", async () => {
    await expect(provisionRedis({ TEST_REDIS: "url", DOCKER_HOST: noEngine })).rejects.toThrow("TEST_REDIS=url: REDIS_URL is not set");
  });

  it("TEST_REDIS=url with a REDIS_URL that does not answer fails with the address, its password hidden", async () => {
    const url = await deadUrl();
    const failure = provisionRedis({ TEST_REDIS: "url", REDIS_URL: url });
    await expect(failure).rejects.toThrow(`TEST_REDIS=url: the Redis at ${url.replace("s3cret-pass", "***")} did not answer PING`);
    await expect(failure).rejects.not.toThrow("s3cret-pass");
  });

  it("TEST_REDIS=container without a Docker engine fails, naming where it looked", async () => {
    await expect(provisionRedis({ TEST_REDIS: "container", DOCKER_HOST: noEngine })).rejects.toThrow(
      `TEST_REDIS=container: no Docker engine answered at ${noEngine}`,
    );
  });

  it("an unknown TEST_REDIS fails, listing the kinds", async () => {
    await expect(provisionRedis({ TEST_REDIS: "docker" })).rejects.toThrow('TEST_REDIS must be url, container or process (or unset), not "docker"');
  });

  it("unset: REDIS_URL first, and the line saying so hides its password", async () => {
    const own = await provision({ TEST_REDIS: "process", DOCKER_HOST: noEngine });
    const admin = new Redis(own.url);
    await admin.config("SET", "requirepass", "s3cret-pass");
    admin.disconnect();
    const url = own.url.replace("redis://", "redis://:s3cret-pass@");
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const redis = await provision({ REDIS_URL: url, DOCKER_HOST: noEngine });
    expect(redis).toMatchObject({ kind: "url", url, controllable: false, freezable: false });
    const lines = out.mock.calls.map(([chunk]) => String(chunk));
    expect(lines).toEqual([`test Redis: url at ${own.url.replace("redis://", "redis://:***@")} (REDIS_URL is set)\n`]);
    expect(await ping(url)).toBe("PONG");
    await expect(redis.stop()).rejects.toThrow("cannot stop");
  });

  it("unset, without REDIS_URL or an engine: a redis-server child, and the line says why", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const redis = await provision({ DOCKER_HOST: noEngine });
    expect(redis.kind).toBe("process");
    expect(out.mock.calls.map(([chunk]) => String(chunk))).toEqual([`test Redis: process at ${redis.url} (no Docker engine answered at ${noEngine})\n`]);
  });

  describe("with a Docker engine", () => {
    it("TEST_REDIS=container with an image that cannot be had fails, naming it, instead of falling back", async (ctx) => {
      if (!(await pingDockerEngine(process.env)).ok) ctx.skip("no Docker engine answers here (the CI container step has one)");
      // With Testcontainers' ryuk on (not in CI) and no registry, its own image is the one missing.
      await expect(provisionRedis({ ...process.env, TEST_REDIS: "container", TEST_REDIS_IMAGE: absentImage, REDIS_URL: undefined })).rejects.toThrow(
        /^TEST_REDIS=container: (no Redis container from image localhost:1\/oceanpos\/absent:none|Testcontainers' ryuk helper)/,
      );
    });

    it("unset: a container that fails once the engine answered is reported on stderr, then a child runs", async (ctx) => {
      const engine = await pingDockerEngine(process.env);
      if (!engine.ok) ctx.skip("no Docker engine answers here (the CI container step has one)");
      const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
      const redis = await provision({ ...process.env, TEST_REDIS: undefined, TEST_REDIS_IMAGE: absentImage, REDIS_URL: undefined });
      expect(redis.kind).toBe("process");
      const reports = err.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.startsWith("test Redis"));
      expect(reports).toHaveLength(1);
      expect(reports[0]).toContain(`the Docker engine at ${engine.address} answered, but the container failed: `);
      expect(reports[0]).toContain("Using a redis-server child instead");
    });
  });
});

import { existsSync } from "node:fs";
import { RedisServerProcess } from "@oceanpos/harness";

/** A Redis for one test suite. */
export interface TestRedis {
  url: string;
  /** How it was provided: `REDIS_URL`, a Testcontainers container, or a `redis-server` child. */
  kind: "external" | "container" | "process";
  /** Whether {@link stop}/{@link restart} are possible (not for an external Redis). */
  controllable: boolean;
  /** Whether {@link freeze}/{@link thaw} are possible (a `redis-server` child only). */
  freezable: boolean;
  /**
   * Freezes Redis (SIGSTOP): connections stay open, nothing is answered or executed until
   * {@link thaw}; commands sent meanwhile run then. A suite must thaw in a `finally`.
   */
  freeze(): Promise<void>;
  /** Resumes a frozen Redis; safe when not frozen. */
  thaw(): Promise<void>;
  /** Stops Redis (commands fail until {@link start}). `hard` simulates a crash. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again after {@link stop}; data kept by the append-only file is back. */
  start(): Promise<void>;
  restart(options?: { hard?: boolean }): Promise<void>;
  /** Releases everything (the container or process, its data). */
  dispose(): Promise<void>;
}

/**
 * `REDIS_URL` if set; else a Testcontainers Redis when a Docker engine answers; else a
 * `redis-server` child process on a free port with the append-only file on.
 */
export async function provisionRedis(env: Record<string, string | undefined> = process.env): Promise<TestRedis> {
  const external = env.REDIS_URL;
  if (external) return externalRedis(external);
  if (dockerLikely(env)) {
    const container = await tryContainer();
    if (container) return container;
  }
  const server = await RedisServerProcess.start();
  return {
    url: server.url,
    kind: "process",
    controllable: true,
    freezable: true,
    freeze: async () => server.freeze(),
    thaw: async () => server.thaw(),
    stop: (o) => server.stop(o),
    start: () => server.restart(),
    restart: (o) => server.restart(o),
    dispose: () => server.destroy(),
  };
}

function externalRedis(url: string): TestRedis {
  const refuse = async () => {
    throw new Error("cannot stop or restart the Redis given by REDIS_URL");
  };
  return {
    url,
    kind: "external",
    controllable: false,
    freezable: false,
    freeze: refuse,
    thaw: async () => {},
    stop: refuse,
    start: refuse,
    restart: refuse,
    dispose: async () => {},
  };
}

function dockerLikely(env: Record<string, string | undefined>): boolean {
  return Boolean(env.DOCKER_HOST) || existsSync("/var/run/docker.sock");
}

async function tryContainer(): Promise<TestRedis | undefined> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    // A socket without an answering engine must not cost the suite more than a moment.
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer")), 3_000).unref()),
    ]);
    const { RedisContainer } = await import("@testcontainers/redis");
    // Same durability as the child process: AOF on, fsync on every write, no eviction.
    const container = await new RedisContainer("redis:7-alpine")
      .withCommand(["redis-server", "--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction"])
      .start();
    // Not exercised on machines without a Docker engine; `docker restart` starts a stopped
    // container again with its data, and the mapped port is read anew after it.
    return {
      get url() {
        return container.getConnectionUrl();
      },
      kind: "container",
      controllable: true,
      // Pausing a container needs the engine's API, which Testcontainers does not expose.
      freezable: false,
      freeze: async () => {
        throw new Error("cannot freeze a Testcontainers Redis; run the suite with the redis-server child");
      },
      thaw: async () => {},
      stop: async () => {
        await container.stop({ remove: false });
      },
      start: async () => {
        await container.restart();
      },
      restart: async () => {
        await container.restart();
      },
      dispose: async () => {
        await container.stop();
      },
    };
  } catch {
    return undefined;
  }
}

import { freePort, waitForRedis } from "@oceanpos/harness";
import type { TestRedis } from "./test-redis.js";

/** How long a started or restarted container may take to serve data. */
const readyTimeoutMs = 30_000;

/**
 * A Testcontainers Redis of the suite's own, from `image` (any image with `redis-server` on its
 * PATH: the official `redis:7-alpine`, or one built from this machine's binary, see
 * scripts/build-test-redis-image.sh), with the child process's durability (append-only file, fsync
 * on every write, no eviction) and its network behaviour: it runs on the engine's host network,
 * listening on 127.0.0.1 at a free port, so the URL survives restarts and a crash refuses
 * connections at once. (Through a published port, Docker's proxy accepts and drops connections
 * while a killed container is torn down: ioredis then counts them as reconnections and later
 * resends a command its caller was already told had failed.) So the engine must run on this
 * machine (Docker Desktop: with host networking on). Testcontainers reads `process.env`
 * (`DOCKER_HOST`, `TESTCONTAINERS_RYUK_DISABLED`). Stopping, starting and pausing go to the
 * engine's API: Testcontainers' `stop()` ignores every stop after the first, and cannot pause.
 */
export async function containerRedis(image: string): Promise<TestRedis> {
  const { GenericContainer, Wait, getContainerRuntimeClient, getReaper } = await import("testcontainers");
  const client = await getContainerRuntimeClient();
  // Started by the first container anyway; started here, its failure is not blamed on `image`.
  await getReaper(client).catch((err: unknown) => {
    throw new Error(`Testcontainers' ryuk helper (it removes what a crashed run leaves) did not start (${message(err)}); TESTCONTAINERS_RYUK_DISABLED=true runs without it`, {
      cause: err,
    });
  });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const started = await new GenericContainer(image)
    .withNetworkMode("host")
    // `--protected-mode no`: the official image is built with it off; a plain redis-server
    // refuses clients otherwise when it runs without a password in a container.
    .withCommand(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction", "--protected-mode", "no"])
    .withWaitStrategy(Wait.forLogMessage("Ready to accept connections"))
    .withStartupTimeout(readyTimeoutMs)
    .start()
    .catch((err: unknown) => {
      throw new Error(
        `no Redis container from image ${image} (${message(err)}); an image that cannot be pulled can be built from this machine's redis-server (scripts/build-test-redis-image.sh) and named in TEST_REDIS_IMAGE`,
        { cause: err },
      );
    });
  const container = client.container.getById(started.getId());
  let frozen = false;
  let disposed = false;

  const running = async () => (await container.inspect()).State.Running;
  const stop = async (options: { hard?: boolean } = {}) => {
    if (!(await running())) return;
    if (options.hard) {
      // SIGKILL, also to a paused container: like the child's SIGKILL, nothing sent while frozen runs.
      await container.kill();
    } else {
      if (frozen) await container.unpause();
      await container.stop({ t: 10 });
    }
    frozen = false;
    // `kill` returns once the signal is sent; `start` right after must find it stopped.
    await container.wait();
  };
  const start = async () => {
    if (!(await running())) await container.start();
    await waitForRedis(url, readyTimeoutMs);
  };

  try {
    await waitForRedis(url, readyTimeoutMs);
  } catch (err) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    throw new Error(`the container runs but its Redis does not answer at ${url}: is the Docker engine on another machine, or without host networking? (${message(err)})`, {
      cause: err,
    });
  }
  return {
    url,
    kind: "container",
    controllable: true,
    freezable: true,
    freeze: async () => {
      await container.pause();
      frozen = true;
    },
    thaw: async () => {
      if (!frozen) return;
      frozen = false;
      await container.unpause();
    },
    stop,
    start,
    restart: async (options) => {
      await stop(options);
      await start();
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      // The container and its data (its writable layer, and the official image's /data volume).
      await container.remove({ force: true, v: true });
    },
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { once } from "node:events";
import { createRedis } from "@oceanpos/core/redis";
import { useRedis } from "@oceanpos/testing";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { startNotifier } from "./helpers.js";

const redis = useRedis();
let notifier: Notifier | undefined;

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
});

describe("notifier start-up", () => {
  it("waits out a Redis that stops answering while it loads its subscriptions, instead of exiting", async () => {
    const admin = redis.client();
    // The store connection is up; then every client's commands wait for 1.5 s, and this one gives
    // up on a command after 300 ms (as a producer connection does after 5 s): loading the
    // subscriptions fails until the pause ends.
    const store = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 300, enableAutoPipelining: true });
    store.on("error", () => {});
    await once(store, "ready");
    let failures = 0;
    const call = store.sendCommand.bind(store);
    store.sendCommand = (command) => {
      command.promise.catch(() => failures++);
      return call(command);
    };
    await admin.call("CLIENT", "PAUSE", "1500", "ALL");
    notifier = await startNotifier(redis, {}, {
      connect: (role, name, autoPipelining) => (name === "notifier" ? store : createRedis({ url: redis.url, role, connectionName: name, autoPipelining })),
    });
    expect(failures, "commands that timed out during the pause").toBeGreaterThan(0);
    expect((await notifier.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
  }, 15_000);
});

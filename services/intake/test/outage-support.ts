import { type RedisFixture, RedisServerProcess } from "@oceanpos/testing";
import type { Redis } from "ioredis";
import { afterEach, expect } from "vitest";
import { type Harness, producerConnection, startHarness } from "./harness.js";

/** An answer of `app.inject()`. */
export type Reply = Awaited<ReturnType<Harness["app"]["inject"]>>;

/** The 503's message when it is proven that the request changed nothing. */
export const changedNothing = /the request changed nothing; retry with the same body$/;
/** The 503's message after a command time-out or a connection lost with the command in flight. */
export const outcomeUnknown = /outcome unknown: retry with the same body$/;

/** A 503 `unavailable` in the contract's shape, with `message`, its request id and `retry-after: 1`. */
export function expect503(res: Reply, message: RegExp): void {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.json().error).toEqual({ code: "unavailable", message: expect.stringMatching(message), requestId: res.headers["request-id"] });
  expect(res.headers["retry-after"]).toBe("1");
}

export interface OutageFixture {
  /** An intake app (`startHarness` on the suite's Redis), closed after the test. */
  harness(...args: Parameters<typeof startHarness> extends [unknown, ...infer R] ? R : never): Promise<Harness>;
  /** A second redis-server child, to freeze one step of a request while the others are answered; thawed and destroyed after the test. */
  otherRedis(connectionName?: string): Promise<{ server: RedisServerProcess; connection: Redis }>;
}

/** Intake apps and extra Redis servers a test starts to fail them, closed after it, last started first. */
export function useOutageFixture(redis: RedisFixture): OutageFixture {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async harness(...args) {
      const h = await startHarness(redis, ...args);
      cleanups.push(() => h.close());
      return h;
    },
    async otherRedis(connectionName = "intake-test-other") {
      const server = await RedisServerProcess.start();
      cleanups.push(async () => {
        server.thaw();
        await server.destroy();
      });
      return { server, connection: producerConnection(server.url, connectionName) };
    },
  };
}

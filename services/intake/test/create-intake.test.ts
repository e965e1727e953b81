import { jobCatalog } from "@oceanpos/core/jobs";
import { redisConnector } from "@oceanpos/core/lifecycle";
import { redisKeys } from "@oceanpos/core/redis";
import { useRedis, waitFor } from "@oceanpos/testing";
import { Queue } from "bullmq";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadIntakeConfig } from "../src/config.js";
import { createIntake } from "../src/intake.js";
import { apiKeys, auth, merchantScan, testStores, unusedGateway } from "./harness.js";

/** The intake as `main.ts` builds it: the factory, its connections, its shutdown steps. */
describe("createIntake", () => {
  const redis = useRedis();
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function intake(env: Record<string, string> = {}) {
    const config = loadIntakeConfig({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, ...env });
    const service = await createIntake(config, { stores: testStores(), logger: pino({ level: "silent" }), connect: redisConnector(redis.url), client: unusedGateway() });
    closers.push(() => service.close());
    return service;
  }

  it("serves the POS API on its own connections and is ready once Redis answers", async () => {
    const service = await intake();
    await service.start();
    await waitFor(async () => (await service.app.inject({ method: "GET", url: "/readyz" })).statusCode === 200, { message: "the intake to be ready" });
    const created = await service.app.inject({ method: "POST", url: "/v1/payments", headers: auth(apiKeys.a), payload: merchantScan() });
    expect(created.statusCode).toBe(202);
    expect(await redis.client().xlen(redisKeys(redis.prefix).submits)).toBe(1);
  });

  it("answers 503 from its first shutdown step on, then closes every step (each safe twice)", async () => {
    const service = await intake();
    expect(service.shutdownSteps.map((s) => s.name)).toEqual(["mark-draining", "http", "recovery-sweep", "queues", "oceanpayment-client", "redis", "archive"]);
    await (service.shutdownSteps[0] as (typeof service.shutdownSteps)[number]).close();
    const refused = await service.app.inject({ method: "POST", url: "/v1/payments", headers: auth(apiKeys.a), payload: merchantScan() });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("unavailable");
    expect((await service.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    await service.close();
    await service.close();
  });

  it("takes its recovery sweep from the configuration", async () => {
    const service = await intake({ RECOVERY_SWEEP_INTERVAL_MS: "100", RECOVERY_SWEEP_AGE_MS: "0" });
    const created = await service.app.inject({ method: "POST", url: "/v1/payments", headers: auth(apiKeys.a), payload: merchantScan() });
    expect(created.statusCode).toBe(202);
    await service.start();
    const queue = new Queue(jobCatalog.submitPayment.queue, { connection: redis.client(), prefix: redisKeys(redis.prefix).bullPrefix });
    closers.push(() => queue.close());
    await waitFor(async () => (await queue.count()) === 1, { timeoutMs: 5_000, message: "the sweep to queue a submit job for the accepted payment" });
  });
});

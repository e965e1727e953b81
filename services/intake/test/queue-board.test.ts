import { once } from "node:events";
import { AuditLog, auditEntryOf } from "@oceanpos/core/audit";
import { CallerAuth } from "@oceanpos/core/http";
import { createRedis, redisKeys } from "@oceanpos/core/redis";
import { useRedis } from "@oceanpos/testing";
import { createLogger } from "@oceanpos/core/logger";
import { SubscriptionStore, deliveryQueueName } from "@oceanpos/core/webhooks";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { catalogQueueNames } from "../src/jobs.js";
import { WebhookBoardQueues } from "../src/webhook-board-queues.js";
import { type Harness, account, auth, operatorTokens, startHarness, testStores } from "./harness.js";

const adminToken = "operator-token-123";
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

describe("Bull Board at /admin/queues", () => {
  const redis = useRedis();
  let h: Harness;
  let boardRedis: Redis;
  let boardQueues: Queue[];
  beforeEach(async () => {
    // Its own connection, as main.ts wires it (not the harness's fail-fast producer).
    boardRedis = createRedis({ url: redis.url, role: "worker", connectionName: "intake-board-test" });
    boardRedis.on("error", () => {});
    if (boardRedis.status !== "ready") await once(boardRedis, "ready");
    const prefix = redisKeys(redis.prefix).bullPrefix;
    boardQueues = catalogQueueNames().map((name) => new Queue(name, { connection: boardRedis, prefix }));
    const board = { auth: new CallerAuth({ stores: testStores(), adminToken }), audit: new AuditLog({ redis: redis.client(), keyPrefix: redis.prefix }), queues: boardQueues, readOnly: false };
    h = await startHarness(redis, { board });
  });
  afterEach(async () => {
    await h.close();
    await Promise.all(boardQueues.map((q) => q.close()));
    boardRedis.disconnect();
  });

  it("answers 401 with a Basic challenge without the operator token", async () => {
    for (const headers of [{}, { authorization: `Bearer wrong-${adminToken}` }, basic("ops", "wrong"), { authorization: "Basic !!" }]) {
      for (const url of ["/admin/queues", "/admin/queues/api/queues"]) {
        const res = await h.app.inject({ method: "GET", url, headers });
        expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers["www-authenticate"]).toBe('Basic realm="oceanpos"');
        expect(res.json().error.code).toBe("unauthorized");
      }
    }
  });

  it("answers 403 to a store key", async () => {
    const res = await h.app.inject({ method: "GET", url: "/admin/queues/api/queues", headers: auth() });
    expect([res.statusCode, res.json().error.code]).toEqual([403, "forbidden"]);
  });

  it("serves the board's HTML with the token as Bearer or as the Basic password", async () => {
    for (const headers of [{ authorization: `Bearer ${adminToken}` }, basic("anyone", adminToken), basic("", adminToken)]) {
      const res = await h.app.inject({ method: "GET", url: "/admin/queues", headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/text\/html/);
      expect(res.body).toContain("/admin/queues");
    }
  });

  it("serves the board's static assets behind the same token", async () => {
    const html = (await h.app.inject({ method: "GET", url: "/admin/queues", headers: basic("ops", adminToken) })).body;
    // Asset paths are relative to the page's <base href="/admin/queues/">.
    const asset = /src="(static\/js\/[^"]+)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const url = `/admin/queues/${asset as string}`;
    expect((await h.app.inject({ method: "GET", url })).statusCode).toBe(401);
    const res = await h.app.inject({ method: "GET", url, headers: basic("ops", adminToken) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/javascript/);
  });

  it("lists every queue of the job catalog with its jobs", async () => {
    expect(catalogQueueNames()).toEqual(expect.arrayContaining(["payments", "voids"]));
    // Submit jobs are the retries and waiting first sends; here one that the recovery sweep made.
    await h.queues.submit.add("submit", { account, orderNumber: "NO1" }, { jobId: "submit-NO1" });
    const res = await h.app.inject({ method: "GET", url: "/admin/queues/api/queues", headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.statusCode).toBe(200);
    const queues = res.json().queues as { name: string; counts: Record<string, number> }[];
    expect(queues.map((q) => q.name).sort()).toEqual(catalogQueueNames().sort());
    expect(queues.find((q) => q.name === "payments")?.counts.waiting).toBe(1);
  });

  it("lets every operator role read, support retry, only admin change more; each change is audited", async () => {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    for (const token of Object.values(operatorTokens)) {
      expect((await h.app.inject({ method: "GET", url: "/admin/queues/api/queues", headers: bearer(token) })).statusCode, token).toBe(200);
    }
    const retry = "/admin/queues/api/queues/payments/retry/failed";
    const refused = await h.app.inject({ method: "PUT", url: retry, headers: bearer(operatorTokens.finance) });
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, "forbidden"]);
    expect(refused.json().error.message).toBe("operator fay (role finance) may not do queues.retry");
    const empty = await h.app.inject({ method: "PUT", url: "/admin/queues/api/queues/payments/empty", headers: bearer(operatorTokens.support) });
    expect(empty.statusCode).toBe(403);
    expect((await h.app.inject({ method: "PUT", url: retry, headers: bearer(operatorTokens.support) })).statusCode).toBe(200);
    const entries = (await redis.client().xrange(redisKeys(redis.prefix).audit, "-", "+")).map(([id, fields]) => auditEntryOf(id, fields));
    expect(entries).toEqual([
      expect.objectContaining({ operator: "sam", role: "support", action: "queue.job_change", target: "queue:payments", details: { method: "PUT", path: "/api/queues/payments/retry/failed" } }),
    ]);
  });

  it("exports queue depth on /metrics", async () => {
    await h.queues.submit.add("submit", { account, orderNumber: "NO1" }, { jobId: "submit-NO1" });
    const metrics = await h.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toContain('bullmq_queue_jobs{queue="payments",state="waiting"} 1');
    expect(metrics.body).toContain('bullmq_queue_jobs{queue="voids",state="waiting"} 0');
  });

  it("keeps the board out of the OpenAPI document", async () => {
    const doc = (await h.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/admin"))).toBe(false);
  });

  describe("the webhook delivery queues, read-only unless BULL_BOARD_READ_ONLY=false", () => {
    const bearer = { authorization: `Bearer ${adminToken}` };
    let webhookQueues: WebhookBoardQueues;
    let subscriptions: SubscriptionStore;
    beforeEach(() => {
      webhookQueues = new WebhookBoardQueues({ redis: boardRedis, keyPrefix: redis.prefix, bullPrefix: redisKeys(redis.prefix).bullPrefix, logger: createLogger({ name: "board-test", level: "silent" }) });
      subscriptions = new SubscriptionStore({ redis: redis.client(), keyPrefix: redis.prefix });
    });
    afterEach(async () => {
      await webhookQueues.close();
    });

    /** A subscription whose delivery queue holds one failed job, failed by a real worker. */
    async function subscriptionWithFailedDelivery(): Promise<string> {
      const { subscription } = await subscriptions.create({ url: "https://example.org/hook", events: ["payment.*"] });
      const name = deliveryQueueName(subscription.id);
      const prefix = redisKeys(redis.prefix).bullPrefix;
      const producer = new Queue(name, { connection: redis.client(), prefix });
      await producer.add("deliver", { subscriptionId: subscription.id, eventId: "evt_1-0" }, { jobId: "whk-1" });
      const workerRedis = redis.client().duplicate({ maxRetriesPerRequest: null });
      const worker = new Worker(name, async () => Promise.reject(new Error("endpoint answered 500")), { connection: workerRedis, prefix });
      await once(worker, "failed");
      await worker.close();
      await producer.close();
      workerRedis.disconnect();
      return name;
    }

    const boardWith = async (readOnly?: boolean) => {
      await h.close();
      h = await startHarness(redis, { board: { auth: new CallerAuth({ stores: testStores(), adminToken }), audit: new AuditLog({ redis: redis.client(), keyPrefix: redis.prefix }), queues: boardQueues, moreQueues: () => webhookQueues.list(), ...(readOnly === undefined ? {} : { readOnly }) } });
    };
    const listed = async () => {
      const res = await h.app.inject({ method: "GET", url: "/admin/queues/api/queues", headers: bearer });
      expect(res.statusCode).toBe(200);
      return res.json().queues as { name: string; readOnlyMode: boolean; counts: Record<string, number> }[];
    };

    it("lists each subscription's queue next to the catalog's as subscriptions come and go; a retry is refused (405)", async () => {
      await boardWith();
      expect((await listed()).map((q) => q.name).sort()).toEqual(catalogQueueNames().sort());
      const name = await subscriptionWithFailedDelivery();
      const queues = await listed();
      expect(queues.map((q) => q.name).sort()).toEqual([...catalogQueueNames(), name].sort());
      expect(queues.find((q) => q.name === name)?.counts.failed).toBe(1);
      expect(queues.every((q) => q.readOnlyMode)).toBe(true);

      for (const url of [`/admin/queues/api/queues/${name}/whk-1/retry`, `/admin/queues/api/queues/${name}/retry/failed`, "/admin/queues/api/queues/payments/retry/failed"]) {
        const retry = await h.app.inject({ method: "PUT", url, headers: bearer });
        expect(retry.statusCode, url).toBe(405);
      }
      const queue = new Queue(name, { connection: boardRedis, prefix: redisKeys(redis.prefix).bullPrefix });
      expect(await (await queue.getJob("whk-1"))?.getState()).toBe("failed");
      await queue.close();

      const id = name.replace(/^webhooks-/, "");
      await subscriptions.delete(id);
      expect((await listed()).map((q) => q.name)).not.toContain(name);
    });

    it("lets an operator retry when BULL_BOARD_READ_ONLY=false", async () => {
      await boardWith(false);
      const name = await subscriptionWithFailedDelivery();
      expect((await listed()).find((q) => q.name === name)?.readOnlyMode).toBe(false);
      const retry = await h.app.inject({ method: "PUT", url: `/admin/queues/api/queues/${name}/whk-1/retry`, headers: bearer });
      expect(retry.statusCode).toBe(204);
      const queue = new Queue(name, { connection: boardRedis, prefix: redisKeys(redis.prefix).bullPrefix });
      expect(await (await queue.getJob("whk-1"))?.getState()).toBe("waiting");
      await queue.close();
    });
  });
});

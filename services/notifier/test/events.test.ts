import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { createLogger } from "@oceanpos/core/logger";
import { redisKeys } from "@oceanpos/core/redis";
import { useRedis } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { auth, startNotifier, submittingPayment } from "./helpers.js";
import { SseReader } from "./sse-client.js";

const redis = useRedis();
let notifier: Notifier | undefined;
const readers: SseReader[] = [];

afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  await notifier?.close();
  notifier = undefined;
});

async function listen(n: Notifier): Promise<string> {
  await n.app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(n.app.server.address() as AddressInfo).port}`;
}

async function open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const reader = await SseReader.open(url, headers);
  readers.push(reader);
  return reader;
}

const orderOf = (data: string | undefined) => (JSON.parse(data ?? "{}") as { data: { orderNumber: string } }).data.orderNumber;

describe("live event stream", () => {
  it("resumes after a disconnect with Last-Event-ID and delivers exactly the missed events", async () => {
    notifier = await startNotifier(redis);
    const base = await listen(notifier);
    const first = await open(`${base}/v1/events/stream`, auth());
    expect(first.status).toBe(200);
    await submittingPayment(notifier.payments, "S1");
    const seen = await first.next(2);
    expect(seen.map((f) => f.event)).toEqual(["payment.accepted", "payment.submitting"]);
    expect(seen[0]?.id).toMatch(/^evt_\d+-\d+$/);
    first.close();

    // Missed while disconnected.
    await submittingPayment(notifier.payments, "S2");
    await submittingPayment(notifier.payments, "S3");
    const resumed = await open(`${base}/v1/events/stream`, { ...auth(), "last-event-id": seen[1]?.id ?? "" });
    const missed = await resumed.next(4);
    expect(missed.map((f) => `${orderOf(f.data)}:${f.event}`)).toEqual([
      "S2:payment.accepted",
      "S2:payment.submitting",
      "S3:payment.accepted",
      "S3:payment.submitting",
    ]);
    // Then live, with no duplicate of the backlog.
    await submittingPayment(notifier.payments, "S4");
    const all = await resumed.next(6);
    expect(all.slice(4).map((f) => orderOf(f.data))).toEqual(["S4", "S4"]);
    expect(new Set(all.map((f) => f.id)).size).toBe(6);
    const parsed = JSON.parse(all[5]?.data ?? "{}") as { id: string; type: string };
    expect(parsed.id).toBe(all[5]?.id);
    expect(parsed.type).toBe(all[5]?.event);
  });

  it("also resumes from ?lastEventId=", async () => {
    notifier = await startNotifier(redis);
    const base = await listen(notifier);
    await submittingPayment(notifier.payments, "Q1");
    const page = (await notifier.app.inject({ method: "GET", url: "/v1/events", headers: auth() })).json() as { events: Array<{ id: string }> };
    const reader = await open(`${base}/v1/events/stream?lastEventId=${page.events[0]?.id}`, auth());
    const frames = await reader.next(1);
    expect(frames[0]?.id).toBe(page.events[1]?.id);
  });

  it("shows a store key only its store's events; the operator sees all", async () => {
    notifier = await startNotifier(redis);
    const base = await listen(notifier);
    const storeA = await open(`${base}/v1/events/stream`, auth("key-a"));
    const operator = await open(`${base}/v1/events/stream`, auth());
    await submittingPayment(notifier.payments, "B1", { storeId: "store-b" });
    await submittingPayment(notifier.payments, "A1", { storeId: "store-a" });
    await operator.next(4);
    const mine = await storeA.next(2);
    expect(mine.map((f) => orderOf(f.data))).toEqual(["A1", "A1"]);
    expect(storeA.frames).toHaveLength(2);
  });

  it("refuses a missing or unknown token and a malformed Last-Event-ID", async () => {
    notifier = await startNotifier(redis);
    expect((await notifier.app.inject({ method: "GET", url: "/v1/events/stream" })).statusCode).toBe(401);
    expect((await notifier.app.inject({ method: "GET", url: "/v1/events/stream", headers: auth("nope") })).statusCode).toBe(401);
    const bad = await notifier.app.inject({ method: "GET", url: "/v1/events/stream", headers: { ...auth(), "last-event-id": "123" } });
    expect(bad.statusCode).toBe(400);
  });

  it("sends heartbeat comments on an idle stream", async () => {
    notifier = await startNotifier(redis, { SSE_HEARTBEAT_MS: "50" });
    const base = await listen(notifier);
    const reader = await open(`${base}/v1/events/stream`, auth());
    await reader.until(() => reader.comments >= 2, 2_000, () => `expected heartbeats, got ${reader.comments}`);
    expect(reader.frames).toHaveLength(0);
  });
});

describe("GET /v1/events", () => {
  it("pages through retained events, filtered for a store key", async () => {
    notifier = await startNotifier(redis);
    for (const [order, storeId] of [["P1", "store-a"], ["P2", "store-b"], ["P3", "store-a"]] as const) {
      await submittingPayment(notifier.payments, order, { storeId });
    }
    const get = async (query: string, token?: string) => {
      const res = await (notifier as Notifier).app.inject({ method: "GET", url: `/v1/events${query}`, headers: auth(token) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { events: Array<{ id: string; type: string; data: { orderNumber: string } }>; next: string | null };
    };
    const p1 = await get("?limit=4");
    expect(p1.events.map((e) => e.data.orderNumber)).toEqual(["P1", "P1", "P2", "P2"]);
    expect(p1.next).toBe(p1.events[3]?.id);
    const p2 = await get(`?limit=4&after=${p1.next}`);
    expect(p2.events.map((e) => e.data.orderNumber)).toEqual(["P3", "P3"]);
    expect(p2.next).toBeNull();

    const mine = await get("?limit=10", "key-b");
    expect(mine.events.map((e) => `${e.data.orderNumber}:${e.type}`)).toEqual(["P2:payment.accepted", "P2:payment.submitting"]);

    const bad = await notifier.app.inject({ method: "GET", url: "/v1/events?after=nope&limit=0", headers: auth() });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { issues: unknown[] } }).error.issues).toHaveLength(2);
  });
});

async function issue(n: Notifier, token: string): Promise<{ token: string; expiresAt: string }> {
  const res = await n.app.inject({ method: "POST", url: "/v1/events/stream-tokens", headers: auth(token) });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.headers["cache-control"]).toBe("no-store");
  return res.json() as { token: string; expiresAt: string };
}

describe("stream tokens", () => {
  it("open the live stream without Authorization, with the issuer's reach, until they expire", async () => {
    notifier = await startNotifier(redis, { STREAM_TOKEN_TTL_MS: "60000" });
    const base = await listen(notifier);
    const before = Date.now();
    const storeA = await issue(notifier, "key-a");
    expect(storeA.token).toMatch(/^sst_[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(storeA.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 60_000);
    const operator = await issue(notifier, "test-admin-token");
    expect(operator.token).not.toBe(storeA.token);

    const mine = await open(`${base}/v1/events/stream?token=${storeA.token}`);
    const all = await open(`${base}/v1/events/stream?token=${operator.token}`);
    expect([mine.status, all.status]).toEqual([200, 200]);
    await submittingPayment(notifier.payments, "TB1", { storeId: "store-b" });
    await submittingPayment(notifier.payments, "TA1", { storeId: "store-a" });
    expect((await all.next(4)).map((f) => orderOf(f.data))).toEqual(["TB1", "TB1", "TA1", "TA1"]);
    expect((await mine.next(2)).map((f) => `${orderOf(f.data)}:${f.event}`)).toEqual(["TA1:payment.accepted", "TA1:payment.submitting"]);
    expect(mine.frames).toHaveLength(2);

    // The token opens further streams (an EventSource reconnecting) while it lives…
    const again = await open(`${base}/v1/events/stream?token=${storeA.token}&lastEventId=${mine.frames[0]?.id}`);
    expect((await again.next(1))[0]?.id).toBe(mine.frames[1]?.id);
    // …lives in Redis only under its digest, with the TTL…
    const client = redis.client();
    const keys = await client.keys(redisKeys(redis.prefix).streamToken("*"));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).not.toContain(storeA.token.slice(4));
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    // …and, once Redis expired it, opens nothing, while open streams go on.
    await client.del(...keys);
    const expired = await notifier.app.inject({ method: "GET", url: `/v1/events/stream?token=${storeA.token}` });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toMatchObject({ code: "unauthorized", message: expect.stringContaining("unknown or expired") });
    await submittingPayment(notifier.payments, "TA2", { storeId: "store-a" });
    expect((await mine.next(4)).slice(2).map((f) => orderOf(f.data))).toEqual(["TA2", "TA2"]);
  });

  it("are issued only to a valid store key or operator token; a made-up one opens nothing", async () => {
    notifier = await startNotifier(redis);
    for (const headers of [{}, auth("nope")]) {
      const res = await notifier.app.inject({ method: "POST", url: "/v1/events/stream-tokens", headers });
      expect(res.statusCode).toBe(401);
    }
    for (const token of ["sst_" + "A".repeat(43), "key-a", "test-admin-token", ""]) {
      const res = await notifier.app.inject({ method: "GET", url: `/v1/events/stream?token=${encodeURIComponent(token)}` });
      expect(res.statusCode, token).toBe(401);
      expect(res.json().error.requestId).toBe(res.headers["request-id"]);
    }
  });

  it("never reach a log line; the stream's request line comes when the client leaves", async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on("data", (c: Buffer) => chunks.push(c.toString()));
    const logger = createLogger({ name: "notifier-test", destination: out });
    notifier = await startNotifier(redis, {}, { logger });
    const base = await listen(notifier);
    const { token } = await issue(notifier, "key-a");
    const reader = await open(`${base}/v1/events/stream?token=${token}`, { "request-id": "browser-1" });
    expect(reader.headers["request-id"]).toBe("browser-1");
    reader.close();
    const line = () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.requestId === "browser-1" && l.msg === "request");
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("expected the stream's request line within 5 s of the client leaving")), 5_000);
      const check = () => {
        if (line() === undefined) return;
        clearTimeout(timer);
        out.off("data", check);
        resolve();
      };
      out.on("data", check);
      check();
    });
    expect(line()).toMatchObject({ method: "GET", url: "/v1/events/stream?token=[redacted]", status: 200, abandoned: true });
    expect(chunks.join("")).not.toContain(token);
    expect(chunks.join("")).not.toContain(token.slice(4));
  });

  it("carry the CORS headers of a listed origin onto the stream itself", async () => {
    notifier = await startNotifier(redis, { CORS_ORIGINS: "http://127.0.0.1:5173" });
    const base = await listen(notifier);
    const { token } = await issue(notifier, "key-a");
    const listed = await open(`${base}/v1/events/stream?token=${token}`, { origin: "http://127.0.0.1:5173" });
    expect(listed.headers["access-control-allow-origin"]).toBe("http://127.0.0.1:5173");
    expect(listed.headers["content-type"]).toMatch(/^text\/event-stream/);
    const other = await open(`${base}/v1/events/stream?token=${token}`, { origin: "http://127.0.0.1:5174" });
    expect(other.status).toBe(200);
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

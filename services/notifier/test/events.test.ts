import type { AddressInfo } from "node:net";
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

async function open(url: string, headers: Record<string, string>): Promise<SseReader> {
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

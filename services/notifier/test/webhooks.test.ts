import { auditEntryOf } from "@oceanpos/core/audit";
import { redisKeys } from "@oceanpos/core/redis";
import { useRedis, waitFor } from "@oceanpos/testing";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { Receiver, auth, startNotifier, submittingPayment } from "./helpers.js";

const redis = useRedis();
let notifier: Notifier | undefined;
const receivers: Receiver[] = [];

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(): Promise<Receiver> {
  const r = await new Receiver().listen();
  receivers.push(r);
  return r;
}

async function subscribe(n: Notifier, url: string, events = ["payment.*"], extra: Record<string, unknown> = {}) {
  const res = await n.app.inject({ method: "POST", url: "/v1/subscriptions", headers: auth(), payload: { url, events, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string; enabled: boolean };
}

async function getSubscription(n: Notifier, id: string) {
  return (await n.app.inject({ method: "GET", url: `/v1/subscriptions/${id}`, headers: auth() })).json() as { enabled: boolean; disabledReason?: string };
}

async function deliveries(n: Notifier, id: string) {
  const res = await n.app.inject({ method: "GET", url: `/v1/subscriptions/${id}/deliveries`, headers: auth() });
  return (res.json() as { deliveries: Array<{ eventId: string; attempt: number; outcome: string; statusCode: number | null; deadLettered: boolean; nextTryAt: string | null; latencyMs: number | null }> }).deliveries;
}

describe("webhook delivery", () => {
  it("delivers a signed event that the standardwebhooks package verifies", async () => {
    notifier = await startNotifier(redis);
    const healthy = await receiver();
    const sub = await subscribe(notifier, healthy.url, ["payment.submitting"]);
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const payment = await submittingPayment(notifier.payments, "WH1");
    const [request] = await healthy.next(1);
    if (!request) throw new Error("no request");
    const verified = new Webhook(sub.secret).verify(request.body, request.headers as Record<string, string>) as {
      id: string;
      type: string;
      data: { orderNumber: string; version: number };
    };
    expect(verified.type).toBe("payment.submitting");
    expect(verified.data.orderNumber).toBe(payment.orderNumber);
    expect(verified.data.version).toBe(2);
    expect(request.headers["webhook-id"]).toBe(verified.id);
    expect(Object.keys(JSON.parse(request.body) as object)).toEqual(["id", "type", "createdAt", "data"]);
    // A different secret must not verify the same request.
    expect(() => new Webhook("whsec_" + Buffer.alloc(32, 1).toString("base64")).verify(request.body, request.headers as Record<string, string>)).toThrow();

    const log = await waitFor(async () => {
      const d = await deliveries(notifier as Notifier, sub.id);
      return d.length > 0 && d;
    }, { message: "delivery log entry" });
    expect(log[0]).toMatchObject({ eventId: verified.id, attempt: 1, outcome: "delivered", statusCode: 200, deadLettered: false });
    // The secret is shown once.
    expect(JSON.stringify((await notifier.app.inject({ method: "GET", url: "/v1/subscriptions", headers: auth() })).json())).not.toContain("whsec_");
  });

  it("signs with the old and the new secret after a rotation, and with the new one alone once the old expires", async () => {
    notifier = await startNotifier(redis);
    const endpoint = await receiver();
    const sub = await subscribe(notifier, endpoint.url, ["payment.submitting"]);
    const rotate = async (previousSecretExpiresInSeconds: number) => {
      const res = await (notifier as Notifier).app.inject({ method: "POST", url: `/v1/subscriptions/${sub.id}/rotate-secret`, headers: auth(), payload: { previousSecretExpiresInSeconds } });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { secret: string }).secret;
    };
    const verifies = (secret: string, request: { body: string; headers: Record<string, unknown> }) => {
      try {
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };

    const second = await rotate(3600);
    await submittingPayment(notifier.payments, "WHR1");
    const [during] = await endpoint.next(1);
    if (!during) throw new Error("no request");
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifies(sub.secret, during), "the replaced secret still signs").toBe(true);
    expect(verifies(second, during), "the new secret signs").toBe(true);

    const third = await rotate(0);
    await submittingPayment(notifier.payments, "WHR2");
    const [, after] = await endpoint.next(2);
    if (!after) throw new Error("no request");
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifies(third, after)).toBe(true);
    expect(verifies(second, after), "a secret replaced with no overlap stops at once").toBe(false);
    expect(verifies(sub.secret, after)).toBe(false);
  });

  it("sends a signed webhook.test event on request and says what the endpoint answered", async () => {
    notifier = await startNotifier(redis);
    const endpoint = await receiver();
    endpoint.respond = (i) => (i === 0 ? { status: 204 } : { status: 500 });
    // Filtered to another event type and disabled: a test is sent regardless.
    const sub = await subscribe(notifier, endpoint.url, ["payment.voided"]);
    await notifier.app.inject({ method: "PATCH", url: `/v1/subscriptions/${sub.id}`, headers: auth(), payload: { enabled: false } });
    const test = () => (notifier as Notifier).app.inject({ method: "POST", url: `/v1/subscriptions/${sub.id}/test`, headers: auth() });

    const ok = await test();
    expect(ok.statusCode, ok.body).toBe(200);
    const result = ok.json() as { eventId: string; delivered: boolean; statusCode: number; latencyMs: number };
    expect(result).toMatchObject({ delivered: true, statusCode: 204 });
    expect(result.eventId).toMatch(/^evt_test_[0-9a-f]{16}$/);
    const [request] = await endpoint.next(1);
    if (!request) throw new Error("no request");
    const event = new Webhook(sub.secret).verify(request.body, request.headers as Record<string, string>) as { id: string; type: string; data: unknown };
    expect(event).toMatchObject({ id: result.eventId, type: "webhook.test", data: { subscriptionId: sub.id } });

    expect((await test()).json()).toMatchObject({ delivered: false, statusCode: 500 });
    // Not a delivery of an event: the log stays empty, and nothing is retried.
    expect(await deliveries(notifier, sub.id)).toEqual([]);
    expect(endpoint.requests).toHaveLength(2);

    expect((await notifier.app.inject({ method: "POST", url: "/v1/subscriptions/sub_000000000000000000000000/test", headers: auth() })).statusCode).toBe(404);
    expect((await notifier.app.inject({ method: "POST", url: `/v1/subscriptions/${sub.id}/test`, headers: auth("key-a") })).statusCode).toBe(403);
  });

  it("retries a failing endpoint with the same webhook-id until it recovers", async () => {
    notifier = await startNotifier(redis);
    const flaky = await receiver();
    flaky.respond = (i) => (i < 2 ? { status: 500 } : { status: 204 });
    const sub = await subscribe(notifier, flaky.url, ["payment.submitting"]);
    await submittingPayment(notifier.payments, "WH2");

    const requests = await flaky.next(3);
    const ids = new Set(requests.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    for (const r of requests) new Webhook(sub.secret).verify(r.body, r.headers as Record<string, string>);
    const log = await waitFor(async () => {
      const d = await deliveries(notifier as Notifier, sub.id);
      return d.length >= 3 && d;
    }, { message: "three delivery log entries" });
    expect(log.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [3, "delivered", 204],
      [2, "retrying", 500],
      [1, "retrying", 500],
    ]);
    expect(log[1]?.nextTryAt).not.toBeNull();
  });

  it("honours Retry-After on 429", async () => {
    notifier = await startNotifier(redis, { WEBHOOK_RETRY_SCALE: "1" });
    const limited = await receiver();
    limited.respond = (i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 });
    await subscribe(notifier, limited.url, ["payment.submitting"]);
    await submittingPayment(notifier.payments, "WH3");
    const [first, second] = await limited.next(2, 8_000);
    // The schedule would wait 5 s at scale 1; Retry-After says 1 s.
    const gap = (second?.at ?? 0) - (first?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(4_000);
  });

  it("disables the subscription when the endpoint answers 410, without retrying", async () => {
    notifier = await startNotifier(redis);
    const gone = await receiver();
    gone.respond = () => ({ status: 410 });
    const sub = await subscribe(notifier, gone.url, ["payment.submitting"]);
    await submittingPayment(notifier.payments, "WH4");
    await gone.next(1);
    const disabled = await waitFor(async () => {
      const s = await getSubscription(notifier as Notifier, sub.id);
      return !s.enabled && s;
    }, { message: "subscription disabled after 410" });
    expect(disabled.disabledReason).toContain("410");
    // A later event is not sent, and the 410 was not retried.
    await submittingPayment(notifier.payments, "WH4b");
    const metrics = await waitFor(async () => {
      const text = (await notifier?.app.inject({ method: "GET", url: "/metrics" }))?.body ?? "";
      return /webhook_subscriptions_disabled\{[^}]*\} 1/.test(text) && text;
    }, { message: "disabled gauge" });
    expect(metrics).toMatch(/webhook_deliveries_total\{outcome="gone"[^}]*\} 1/);
    expect(gone.requests).toHaveLength(1);
  });

  it("keeps delivering to a healthy endpoint while another one hangs", async () => {
    notifier = await startNotifier(redis, { WEBHOOK_TIMEOUT_MS: "15000", WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: "2" });
    const hanging = await receiver();
    hanging.respond = () => undefined;
    const healthy = await receiver();
    await subscribe(notifier, hanging.url, ["payment.*"]);
    await subscribe(notifier, healthy.url, ["payment.*"]);
    // Enough events to fill the hanging subscription's slots many times over.
    for (let i = 0; i < 5; i++) await submittingPayment(notifier.payments, `WH5-${i}`);
    // 5 payments x (accepted + submitting) = 10 events.
    await healthy.next(10, 5_000, "deliveries to the healthy endpoint while the other hangs");
    expect(hanging.requests.length).toBeGreaterThan(0);
    // Its slots only: two first attempts made by the relay, two jobs of its worker.
    expect(hanging.requests.length).toBeLessThanOrEqual(4);
  });

  it("waits for a hanging endpoint's full lane once, not once per batch", async () => {
    // Each wait would hold the relay for 3 s; the five later events are given 2.5 s in all.
    notifier = await startNotifier(redis, { WEBHOOK_TIMEOUT_MS: "15000", WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: "1", WEBHOOK_LANE_WAIT_MS: "3000" });
    const hanging = await receiver();
    hanging.respond = () => undefined;
    const healthy = await receiver();
    await subscribe(notifier, hanging.url, ["payment.submitting"]);
    await subscribe(notifier, healthy.url, ["payment.submitting"]);
    await submittingPayment(notifier.payments, "WH9-0"); // fills the hanging lane
    await hanging.next(1, 5_000, "the attempt that hangs");
    await submittingPayment(notifier.payments, "WH9-1"); // finds it full: one wait, then slow
    await healthy.next(2, 6_000, "the first two deliveries to the healthy endpoint");
    for (let i = 2; i < 7; i++) await submittingPayment(notifier.payments, `WH9-${i}`);
    await healthy.next(7, 2_500, "later deliveries, not held by the slow lane");
  });

  it("dead-letters after the last attempt, lists it, and replays it", async () => {
    notifier = await startNotifier(redis, { WEBHOOK_RETRY_SCALE: "0.00001" });
    const dead = await receiver();
    dead.respond = () => ({ status: 500 });
    const sub = await subscribe(notifier, dead.url, ["payment.submitting"]);
    await submittingPayment(notifier.payments, "WH6");
    await dead.next(8, 15_000, "eight attempts (first try + 7 retries)");
    const letters = await waitFor(async () => {
      const res = await notifier?.app.inject({ method: "GET", url: `/v1/subscriptions/${sub.id}/dead-letters`, headers: auth() });
      const body = res?.json() as { deadLetters: Array<{ eventId: string; attempts: number }> };
      return body.deadLetters.length > 0 && body.deadLetters;
    }, { message: "dead letter listed" });
    expect(letters[0]).toMatchObject({ attempts: 8, eventId: dead.requests[0]?.headers["webhook-id"] });
    expect((await deliveries(notifier, sub.id))[0]).toMatchObject({ outcome: "dead_lettered", deadLettered: true, attempt: 8 });

    dead.respond = () => ({ status: 200 });
    const replay = await notifier.app.inject({ method: "POST", url: `/v1/subscriptions/${sub.id}/dead-letters/replay`, headers: auth() });
    expect(replay.json()).toEqual({ replayed: 1 });
    const all = await dead.next(9);
    expect(all[8]?.headers["webhook-id"]).toBe(letters[0]?.eventId);
    const after = await notifier.app.inject({ method: "GET", url: `/v1/subscriptions/${sub.id}/dead-letters`, headers: auth() });
    expect(after.json()).toEqual({ deadLetters: [] });
  });

  it("lists one event's attempts, and replays one dead letter (404 for any other event, 409 while disabled), audited", async () => {
    notifier = await startNotifier(redis, { WEBHOOK_RETRY_SCALE: "0.00001" });
    const app = notifier.app;
    const dead = await receiver();
    dead.respond = () => ({ status: 500 });
    const sub = await subscribe(notifier, dead.url, ["payment.submitting"]);
    await submittingPayment(notifier.payments, "WH8a");
    await submittingPayment(notifier.payments, "WH8b");
    await dead.next(16, 20_000, "eight attempts of each event");
    const letters = await waitFor(async () => {
      const res = await app.inject({ method: "GET", url: `/v1/subscriptions/${sub.id}/dead-letters`, headers: auth() });
      const body = res.json() as { deadLetters: Array<{ eventId: string }> };
      return body.deadLetters.length === 2 && body.deadLetters.map((l) => l.eventId);
    }, { message: "both events dead-lettered" });
    const [first, second] = [...letters].sort() as [string, string];

    // The delivery log of one event: its eight attempts, newest first, nothing of the other's.
    const log = (query: string) => app.inject({ method: "GET", url: `/v1/subscriptions/${sub.id}/deliveries?${query}`, headers: auth() });
    const ofFirst = (await log(`eventId=${first}`)).json() as { deliveries: Array<{ eventId: string; attempt: number }> };
    expect(ofFirst.deliveries.map((d) => [d.eventId, d.attempt])).toEqual([8, 7, 6, 5, 4, 3, 2, 1].map((n) => [first, n]));
    expect(((await log(`eventId=${first}&limit=2`)).json() as typeof ofFirst).deliveries.map((d) => d.attempt)).toEqual([8, 7]);
    expect((await log("limit=100")).json().deliveries).toHaveLength(16);
    const badFilter = await log("eventId=payment-1");
    expect([badFilter.statusCode, badFilter.json().error.issues]).toEqual([400, [{ path: "eventId", message: "must be an event id (evt_…)" }]]);

    const replayOne = (eventId: string) => app.inject({ method: "POST", url: `/v1/subscriptions/${sub.id}/dead-letters/${eventId}/replay`, headers: auth() });
    const unknown = await replayOne("evt_1-0");
    expect([unknown.statusCode, unknown.json().error]).toMatchObject([404, { code: "not_found", message: "evt_1-0 is not a dead letter of this subscription" }]);
    expect((await replayOne("not-an-event")).statusCode).toBe(400);
    expect((await app.inject({ method: "POST", url: `/v1/subscriptions/sub_${"0".repeat(24)}/dead-letters/${first}/replay`, headers: auth() })).statusCode).toBe(404);
    await app.inject({ method: "PATCH", url: `/v1/subscriptions/${sub.id}`, headers: auth(), payload: { enabled: false } });
    const whileDisabled = await replayOne(first);
    expect([whileDisabled.statusCode, whileDisabled.json().error.code]).toEqual([409, "subscription_disabled"]);
    await app.inject({ method: "PATCH", url: `/v1/subscriptions/${sub.id}`, headers: auth(), payload: { enabled: true } });

    // The endpoint is back: only the replayed event is delivered again; the other stays dead.
    dead.respond = () => ({ status: 204 });
    const replayed = await replayOne(first);
    expect([replayed.statusCode, replayed.json()]).toEqual([202, { replayed: 1 }]);
    const all = await dead.next(17, 10_000, "the replayed delivery");
    expect(all[16]?.headers["webhook-id"]).toBe(first);
    await waitFor(async () => ((await log(`eventId=${first}&limit=1`)).json() as { deliveries: Array<{ outcome: string }> }).deliveries[0]?.outcome === "delivered", {
      message: `${first} delivered in the log`,
    });
    const left = await app.inject({ method: "GET", url: `/v1/subscriptions/${sub.id}/dead-letters`, headers: auth() });
    expect((left.json() as { deadLetters: Array<{ eventId: string }> }).deadLetters.map((l) => l.eventId)).toEqual([second]);
    expect((await replayOne(first)).statusCode).toBe(404);
    expect(dead.requests).toHaveLength(17);

    const audit = await redis.client().xrange(redisKeys(redis.prefix).audit, "-", "+");
    const replays = audit.map(([id, fields]) => auditEntryOf(id, fields)).filter((e) => e?.action === "webhook.replay");
    expect(replays.map((e) => [e?.operator, e?.target, e?.details])).toEqual([["admin", `subscription:${sub.id}`, { deadLetters: first, replayed: "1" }]]);
  });

  it("replays every matching event since a time, again, with the same webhook-ids", async () => {
    notifier = await startNotifier(redis);
    const r = await receiver();
    const sub = await subscribe(notifier, r.url, ["payment.submitting"]);
    const since = new Date(Date.now() - 1000).toISOString();
    await submittingPayment(notifier.payments, "WH7a");
    await submittingPayment(notifier.payments, "WH7b");
    const first = await r.next(2);
    const res = await notifier.app.inject({ method: "POST", url: `/v1/subscriptions/${sub.id}/replay`, headers: auth(), payload: { since } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ replayed: 2 });
    const all = await r.next(4);
    const ids = (list: typeof all) => list.map((x) => x.headers["webhook-id"]).sort();
    expect(ids(all.slice(2))).toEqual(ids(first));
    const bad = await notifier.app.inject({ method: "POST", url: `/v1/subscriptions/${sub.id}/replay`, headers: auth(), payload: { since: "yesterday" } });
    expect(bad.statusCode).toBe(400);
  });

  it("only sends the stores a subscription asked for", async () => {
    notifier = await startNotifier(redis);
    const r = await receiver();
    await subscribe(notifier, r.url, ["payment.submitting"], { storeIds: ["store-b"] });
    await submittingPayment(notifier.payments, "WH8a", { storeId: "store-a" });
    await submittingPayment(notifier.payments, "WH8b", { storeId: "store-b" });
    const [only] = await r.next(1);
    expect((JSON.parse(only?.body ?? "{}") as { data: { orderNumber: string } }).data.orderNumber).toBe("WH8b");
    // Both events went through the relay; only one matched.
    await waitFor(async () => {
      const text = (await notifier?.app.inject({ method: "GET", url: "/metrics" }))?.body ?? "";
      const counts = [...text.matchAll(/^events_relayed_total\{[^}]*\} (\d+)/gm)].map((m) => Number(m[1]));
      return counts.reduce((sum, n) => sum + n, 0) === 4;
    }, { message: "four events relayed" });
    expect(r.requests).toHaveLength(1);
  });

  it("connects only to addresses checked at delivery time (DNS rebinding)", async () => {
    const r = await receiver();
    const port = new URL(r.url).port;
    let answer = "93.184.215.14";
    notifier = await startNotifier(
      redis,
      { ALLOW_PRIVATE_WEBHOOK_URLS: "false" },
      { resolveHost: async () => [{ address: answer, family: 4 }] },
    );
    const sub = await subscribe(notifier, `http://hooks.rebind.test:${port}/hook`, ["payment.submitting"]);
    // After validation the name now points at the loopback receiver.
    answer = "127.0.0.1";
    await submittingPayment(notifier.payments, "WH9");
    const log = await waitFor(async () => {
      const d = await deliveries(notifier as Notifier, sub.id);
      return d.length > 0 && d;
    }, { message: "a failed delivery attempt" });
    expect(log[0]).toMatchObject({ outcome: "retrying", statusCode: null });
    expect(JSON.stringify(log[0])).toContain("127.0.0.1");
    expect(r.requests).toHaveLength(0);
  });

  it("uses its own resolution for the connection (the pinned address is the checked one)", async () => {
    const r = await receiver();
    const port = new URL(r.url).port;
    notifier = await startNotifier(redis, {}, { resolveHost: async () => [{ address: "127.0.0.1", family: 4 }] });
    await subscribe(notifier, `http://only-in-our-resolver.invalid:${port}/hook`, ["payment.submitting"]);
    await submittingPayment(notifier.payments, "WH10");
    await r.next(1);
  });
});

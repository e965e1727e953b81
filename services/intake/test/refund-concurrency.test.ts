import { RefundStore } from "@oceanpos/core/refunds";
import { freePort, useRedis, waitFor } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { type Harness, account, adminToken, apiKeys, auth } from "./harness.js";
import { type Reply, changedNothing, expect503, outcomeUnknown, useOutageFixture } from "./outage-support.js";
import { paymentIn, postRefund, refundEvents, refundFeed, refundsUrl } from "./refund-support.js";

describe("refunds under concurrent requests, across replicas, and when Redis fails", () => {
  const redis = useRedis();
  const { harness, otherRedis } = useOutageFixture(redis);

  it("never refunds more than the payment across three intake replicas, whatever the race", async () => {
    const replicas = [await harness(), await harness(), await harness()];
    const [first] = replicas as [Harness];
    const orderNumber = await paymentIn(first);
    // 12.50 raced for by 40 requests of 1.00 and 0.50, and ten duplicates of one refund number.
    const requests = [
      ...Array.from({ length: 40 }, (_, i) => ({ refundNumber: `R-${i}`, amount: i % 2 === 0 ? "1.00" : "0.50" })),
      ...Array.from({ length: 10 }, () => ({ refundNumber: "R-dup", amount: "2.00" })),
    ];
    const replies = await Promise.all(requests.map((body, i) => postRefund(replicas[i % replicas.length] as Harness, orderNumber, body)));
    expect(replies.every((r) => [200, 202, 409].includes(r.statusCode))).toBe(true);
    const accepted = requests.filter((_, i) => replies[i]?.statusCode === 202);
    const cents = accepted.reduce((sum, r) => sum + Math.round(Number(r.amount) * 100), 0);
    expect(cents).toBeLessThanOrEqual(1250);
    expect(accepted.filter((r) => r.refundNumber === "R-dup").length).toBeLessThanOrEqual(1);
    // The duplicates: created once and replayed nine times, or (too late for what was left) all refused.
    const dupStatuses = replies.slice(40).map((r) => r.statusCode).sort();
    expect([[200, 200, 200, 200, 200, 200, 200, 200, 200, 202], Array(10).fill(409)]).toContainEqual(dupStatuses);
    for (const replay of replies.slice(40).filter((r) => r.statusCode === 200)) expect(replay.headers["idempotent-replayed"]).toBe("true");
    for (const refused of replies.filter((r) => r.statusCode === 409)) expect(refused.json().error.code).toBe("refund_exceeds_payment");

    const listed = (await first.app.inject({ method: "GET", url: refundsUrl(orderNumber), headers: auth() })).json().data;
    expect(listed).toHaveLength(accepted.length);
    expect((await refundEvents(first)).filter((e) => e.type === "refund.accepted")).toHaveLength(accepted.length);
    expect(await refundFeed(first)).toHaveLength(accepted.length);
    const payment = (await first.app.inject({ method: "GET", url: `/v1/payments/${orderNumber}`, headers: auth() })).json();
    expect(Math.round(Number(payment.refundableAmount) * 100)).toBe(1250 - cents);
  });

  it("applies the store's rate limit to refund routes (429), not to the operator", async () => {
    const h = await harness();
    const orderNumber = await paymentIn(h, "succeeded", {}, apiKeys.slow);
    // store-slow: burst 2, and its payment's create took one token.
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await h.app.inject({ method: "GET", url: refundsUrl(orderNumber), headers: auth(apiKeys.slow) }));
    expect(replies.map((r) => r.statusCode)).toContain(429);
    expect(replies.find((r) => r.statusCode === 429)?.json().error.code).toBe("rate_limited");
    const operator = { authorization: `Bearer ${adminToken}` };
    for (let i = 0; i < 5; i++) expect((await h.app.inject({ method: "GET", url: refundsUrl(orderNumber), headers: operator })).statusCode).toBe(200);
  });

  it("Redis never started: 503 that changed nothing", async () => {
    const h = await harness({}, { url: `redis://127.0.0.1:${await freePort()}`, awaitReady: false });
    for (const res of [
      await postRefund(h, "NO1", { refundNumber: "R-1", amount: "1.00" }),
      await postRefund(h, "NO1", { refundNumber: "R-1", amount: "1.00" }, { authorization: `Bearer ${adminToken}` }),
      await h.app.inject({ method: "GET", url: refundsUrl("NO1"), headers: auth() }),
    ]) {
      expect503(res, changedNothing);
    }
  });

  it("Redis frozen at the refund's own write: 503 outcome unknown; it was stored once Redis resumed, and the retry replays it", async () => {
    // The refund's Redis (payment and refunds) is a child of the test's own, frozen when the refund is built, after the reads.
    const { server, connection } = await otherRedis("intake-test-refunds");
    let freezeOnNextClock = false;
    const clock = () => {
      if (freezeOnNextClock) {
        freezeOnNextClock = false;
        server.freeze();
      }
      return new Date();
    };
    const h = await harness({ clock, refunds: new RefundStore({ redis: connection, keyPrefix: redis.prefix }) }, { paymentsRedis: connection });
    const orderNumber = await paymentIn(h);
    const body = { refundNumber: "R-1", amount: "3.00" };
    freezeOnNextClock = true;
    let res: Reply;
    try {
      res = await postRefund(h, orderNumber, body);
    } finally {
      server.thaw();
    }
    expect503(res, outcomeUnknown);
    const refunds = new RefundStore({ redis: connection, keyPrefix: redis.prefix });
    await waitFor(() => refunds.get({ account, orderNumber, refundNumber: "R-1" }), { message: "the timed-out refund was stored once Redis resumed" });
    const retry = await postRefund(h, orderNumber, body);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(await refunds.list({ account, orderNumber })).toHaveLength(1);
  }, 30_000);
});

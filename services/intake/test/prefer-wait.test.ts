import { useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, account, auth, customerScan, merchantScan, startHarness } from "./harness.js";

describe("Prefer: wait", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (body: object, prefer: string) =>
    h.app.inject({ method: "POST", url: "/v1/payments", headers: { ...auth(), prefer }, payload: body });

  /** Resolves once the app holds a SUBSCRIBE on the payment's channel, i.e. the request is waiting. */
  const subscribed = (orderNumber: string) =>
    waitFor(
      async () => {
        const [, count] = (await h.redis.pubsub("NUMSUB", h.keys.paymentChannel(account, orderNumber))) as [string, number];
        return count > 0;
      },
      { timeoutMs: 5_000, message: `no subscriber on the channel of ${orderNumber}` },
    );

  it("holds the response until the payment leaves accepted and submitting, then answers 200", async () => {
    const body = merchantScan();
    const started = Date.now();
    const pending = post(body, "wait=20");
    await subscribed(body.orderNumber);

    const ref = { account, orderNumber: body.orderNumber };
    await h.payments.transition(ref, { to: "submitting", source: "payer" });
    await h.payments.transition(ref, { to: "pending", source: "payer" });

    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.headers["preference-applied"]).toBe("wait=20");
    expect(res.json()).toMatchObject({ status: "pending", version: 3 });
    expect(Date.now() - started).toBeLessThan(10_000);
    // The channel is released once nobody waits on it.
    const [, count] = (await h.redis.pubsub("NUMSUB", h.keys.paymentChannel(account, body.orderNumber))) as [string, number];
    expect(count).toBe(0);
  });

  it("answers 202 with the current resource when N runs out", async () => {
    const started = Date.now();
    const res = await post(customerScan(), "wait=1");
    expect(res.statusCode).toBe(202);
    expect(res.headers["preference-applied"]).toBe("wait=1");
    expect(res.json().status).toBe("accepted");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("answers a replay of a settled payment at once with 200", async () => {
    const body = customerScan();
    await post(body, "wait=0");
    const ref = { account, orderNumber: body.orderNumber };
    await h.payments.transition(ref, { to: "submitting", source: "payer" });
    await h.payments.transition(ref, { to: "awaiting_customer", source: "payer", set: { barCode: "28000001" } });
    const res = await post(body, "respond-async, wait=30");
    expect(res.statusCode).toBe(200);
    expect(res.headers["idempotent-replayed"]).toBe("true");
    expect(res.json().status).toBe("awaiting_customer");
  });

  it("refuses a malformed or too long wait with 400 naming Prefer, before creating anything", async () => {
    for (const prefer of ["wait=31", "wait=abc", "wait=-1", "wait=1.5", "wait"]) {
      const body = customerScan();
      const res = await post(body, prefer);
      expect(res.statusCode, prefer).toBe(400);
      expect(res.json().error.issues).toEqual([{ path: "Prefer", message: expect.stringContaining("wait") }]);
      expect(await h.payments.get({ account, orderNumber: body.orderNumber })).toBeUndefined();
    }
  });

  it("holds a void until the payment is voided", async () => {
    const body = customerScan();
    await post(body, "wait=0");
    const ref = { account, orderNumber: body.orderNumber };
    await h.payments.transition(ref, { to: "submitting", source: "payer" });
    await h.payments.transition(ref, { to: "awaiting_customer", source: "payer" });

    const pending = h.app.inject({ method: "POST", url: `/v1/payments/${body.orderNumber}/void`, headers: { ...auth(), prefer: "wait=20" } });
    await subscribed(body.orderNumber);
    await h.payments.transition(ref, { to: "voided", source: "void" });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("voided");
  });

  it("lets held requests answer when the app closes", async () => {
    const body = customerScan();
    const pending = post(body, "wait=30");
    await subscribed(body.orderNumber);
    const closing = h.app.close();
    const res = await pending;
    await closing;
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe("accepted");
  });
});

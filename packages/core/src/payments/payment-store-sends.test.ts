import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { acceptedPayment } from "../../test/payments/payment-fixtures.js";
import { PaymentStore } from "./payment-store.js";

const payment = acceptedPayment("S1");

describe("PaymentStore send counter", () => {
  const redis = useRedis();
  const ref = { account: "995149", orderNumber: "S1" };

  it("counts sends only while submitting, atomically under concurrency", async () => {
    const s = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    expect(await s.recordSend(ref)).toEqual({ recorded: false, reason: "not_found" });
    await s.create({ ...ref, payment, requestHash: "h" });
    expect(await s.recordSend(ref)).toEqual({ recorded: false, reason: "not_submitting" });
    expect(await s.sendCount(ref)).toBe(0);
    await s.transition(ref, { to: "submitting", source: "payer" });
    const results = await Promise.all(Array.from({ length: 10 }, () => s.recordSend(ref)));
    expect(results.map((r) => (r.recorded ? r.sends : 0)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await s.transition(ref, { to: "succeeded", source: "payer" });
    expect(await s.recordSend(ref)).toEqual({ recorded: false, reason: "not_submitting" });
    expect(await s.sendCount(ref)).toBe(10);
    expect((await s.get(ref))?.version).toBe(3); // counting sends is not a transition
  });

  it("with an expected count, only one of two senders that saw the same count may send", async () => {
    const s = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    await s.create({ ...ref, payment, requestHash: "h" });
    await s.transition(ref, { to: "submitting", source: "payer" });
    const results = await Promise.all([s.recordSend(ref, 0), s.recordSend(ref, 0)]);
    expect(results).toEqual(expect.arrayContaining([{ recorded: true, sends: 1 }, { recorded: false, reason: "count_moved" }]));
    expect(await s.recordSend(ref, 1)).toEqual({ recorded: true, sends: 2 });
  });
});

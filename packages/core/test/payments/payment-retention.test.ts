import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { PaymentRetention, PaymentStore } from "../../src/payments/index.js";
import { redisKeys } from "../../src/redis/index.js";
import { RefundStore } from "../../src/refunds/index.js";
import { account, newRefund, paymentIn, refundRef } from "../refunds/refund-fixtures.js";

describe("PaymentRetention", () => {
  const redis = useRedis();
  const keys = () => redisKeys(redis.prefix);
  let now = 1_000_000;
  const clock = () => new Date(now);
  const stores = () => {
    const options = { redis: redis.client(), keyPrefix: redis.prefix, clock };
    return { payments: new PaymentStore(options), refunds: new RefundStore(options), retention: new PaymentRetention(options) };
  };
  /** The ledger committed everything written so far. */
  const archiveAll = async () => {
    const last = (await redis.client().xrevrange(keys().events, "+", "-", "COUNT", 1))[0]?.[0] as string;
    const [ms, seq] = last.split("-");
    await redis.client().set(keys().archivedBelow, `${ms}-${Number(seq) + 1}`);
  };
  const keysOf = async (orderNumber: string) => (await redis.client().keys(`{${redis.prefix}}:*${orderNumber}*`)).sort();

  it("indexes a final payment by its last change, its refunds' included, and removes it with its refunds once archived", async () => {
    const { payments, refunds, retention } = stores();
    now = 1_000_000;
    const ref = await paymentIn(payments, "RT1");
    expect(await redis.client().zscore(keys().finalIndex, `${account}:RT1`)).toBe("1000000");
    now = 2_000_000;
    await refunds.create(newRefund(ref, "R-1", "4.00"));
    expect(await redis.client().zscore(keys().finalIndex, `${account}:RT1`)).toBe("2000000");

    // An open refund keeps it: it leaves the index until the refund's final change puts it back.
    const [open] = await retention.due(new Date(3_000_000), 10);
    expect(open?.held).toMatchObject({ storeId: "store-a", version: 3, refundNumbers: ["R-1"] });
    expect(await retention.remove(open!, new Date(3_000_000))).toBe("retained");
    expect(await retention.due(new Date(3_000_000), 10)).toEqual([]);
    now = 4_000_000;
    await refunds.transition(refundRef(ref, "R-1"), { to: "submitting", source: "payer" });
    await refunds.transition(refundRef(ref, "R-1"), { to: "succeeded", source: "payer" });
    expect(await redis.client().zscore(keys().finalIndex, `${account}:RT1`)).toBe("4000000");

    // Changed after the cutoff: kept.
    const [late] = await retention.due(new Date(4_000_000), 10);
    expect(await retention.remove(late!, new Date(3_999_999))).toBe("retained");
    // Not archived: kept, whatever the time.
    expect(await retention.remove(late!, new Date(5_000_000))).toBe("not_archived");
    await archiveAll();
    expect(await retention.dueCount(new Date(5_000_000))).toBe(1);
    expect(await retention.remove(late!, new Date(5_000_000))).toBe("removed");
    expect(await keysOf("RT1")).toEqual([]);
    expect(await redis.client().zcard(keys().finalIndex)).toBe(0);
    // The order number is free again: a new payment.
    await paymentIn(payments, "RT1", { amount: "3.00" });
    expect(await payments.get(ref)).toMatchObject({ amount: "3.00", version: 3 });
  });

  it("keeps a payment whose version or refunds moved since they were read, and one not final", async () => {
    const { payments, refunds, retention } = stores();
    now = 1_000_000;
    const ref = await paymentIn(payments, "RT2");
    const [stale] = await retention.due(new Date(2_000_000), 10);
    await refunds.create(newRefund(ref, "R-1", "1.00"));
    await refunds.transition(refundRef(ref, "R-1"), { to: "submitting", source: "payer" });
    await refunds.transition(refundRef(ref, "R-1"), { to: "failed", source: "payer" });
    await archiveAll();
    // The refund came after the read: its keys were not named.
    expect(await retention.remove(stale!, new Date(Date.now() + 1e12))).toBe("conflict");
    expect(await retention.remove({ ref, held: { ...stale!.held!, version: 2, refundNumbers: ["R-1"] } }, new Date(Date.now() + 1e12))).toBe("conflict");
    expect((await keysOf("RT2")).length).toBeGreaterThan(0);

    const open = await paymentIn(payments, "RT3", { status: "pending" });
    await redis.client().zadd(keys().finalIndex, 0, `${account}:RT3`);
    const [candidate] = (await retention.due(new Date(0), 10)).filter((c) => c.ref.orderNumber === "RT3");
    expect(await retention.remove(candidate!, new Date(0))).toBe("retained");
    expect(await payments.get(open)).toMatchObject({ status: "pending" });
  });

  it("restores an archived payment with its refunds, once", async () => {
    const { payments, refunds, retention } = stores();
    now = 1_000_000;
    const ref = await paymentIn(payments, "RT4");
    await refunds.create(newRefund(ref, "R-1", "4.00"));
    await refunds.transition(refundRef(ref, "R-1"), { to: "submitting", source: "payer" });
    await refunds.transition(refundRef(ref, "R-1"), { to: "succeeded", source: "payer" });
    const payment = (await payments.get(ref))!;
    const archivedRefunds = await refunds.list(ref);
    await archiveAll();
    const [candidate] = await retention.due(new Date(2_000_000), 10);
    expect(await retention.remove(candidate!, new Date(2_000_000))).toBe("removed");
    expect(await payments.get(ref)).toBeUndefined();

    now = 9_000_000;
    expect(await retention.restore(ref, payment, archivedRefunds)).toBe("restored");
    expect(await payments.get(ref)).toEqual(payment);
    expect(await refunds.list(ref)).toEqual(archivedRefunds);
    expect(await redis.client().zscore(keys().finalIndex, `${account}:RT4`)).toBe("9000000");
    expect(await retention.restore(ref, { ...payment, amount: "99.00" }, [])).toBe("exists");
    // A second refund checks against what the first left.
    expect(await refunds.create(newRefund(ref, "R-2", "7.00"))).toMatchObject({ outcome: "exceeds_payment", refundableAmount: "6.00" });
    expect(await refunds.create(newRefund(ref, "R-2", "6.00"))).toMatchObject({ outcome: "created" });
  });

  it("enrolls, once, the final payments the index lacks (made final before it existed) at their last change", async () => {
    const { payments, refunds, retention } = stores();
    const member = (orderNumber: string) => `${account}:${orderNumber}`;
    now = 1_000_000;
    const paid = await paymentIn(payments, "RT5");
    await paymentIn(payments, "RT6", { status: "pending" });
    const refunded = await paymentIn(payments, "RT7");
    now = 2_000_000;
    await refunds.create(newRefund(refunded, "R-1", "4.00"));
    await refunds.transition(refundRef(refunded, "R-1"), { to: "submitting", source: "payer" });
    await refunds.transition(refundRef(refunded, "R-1"), { to: "succeeded", source: "payer" });
    // As Redis held them before the index: in no index, no latest event, no refunds' last change.
    await redis.client().del(keys().finalIndex);
    for (const ref of [paid, refunded]) await redis.client().hdel(keys().payment(account, ref.orderNumber), "eventId", "refundChangedAt");
    const lastEvent = (await redis.client().xrevrange(keys().events, "+", "-", "COUNT", 1))[0]?.[0];

    const backfill = async () => {
      let step = { cursor: "0", scanned: 0, enrolled: 0 };
      let enrolled = 0;
      do {
        step = await retention.enrollMissing(step.cursor, 2);
        enrolled += step.enrolled;
      } while (step.cursor !== "0");
      return enrolled;
    };
    expect(await backfill()).toBe(2);
    expect(await redis.client().zscore(keys().finalIndex, member("RT5"))).toBe("1000000");
    expect(await redis.client().zscore(keys().finalIndex, member("RT7"))).toBe("2000000");
    expect(await redis.client().zscore(keys().finalIndex, member("RT6")), "not final: its final change indexes it").toBeNull();
    expect(await redis.client().hget(keys().payment(account, "RT5"), "eventId")).toBe(lastEvent);
    expect(await backfill(), "a second run changes nothing").toBe(0);

    // Its events are those up to the stream's last one at enrolment: kept until the ledger is past it.
    await paymentIn(payments, "RT8");
    await redis.client().set(keys().archivedBelow, lastEvent as string);
    const due = (await retention.due(new Date(3_000_000), 10)).filter((c) => c.ref.orderNumber === "RT5");
    expect(await retention.remove(due[0]!, new Date(3_000_000))).toBe("not_archived");
    await archiveAll();
    expect(await retention.remove(due[0]!, new Date(3_000_000))).toBe("removed");
    expect(await payments.get(paid)).toBeUndefined();
  });
});

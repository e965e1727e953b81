import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { type Payment, type PaymentEvent, PaymentStore } from "../../src/payments/index.js";
import { redisKeys } from "../../src/redis/index.js";
import { RefundStore } from "../../src/refunds/index.js";
import { account, newRefund, paymentIn, refundRef, streamEvents } from "./refund-fixtures.js";

describe("the payment resource's refund amounts", () => {
  const redis = useRedis();
  const stores = () => ({ payments: new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix }), refunds: new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix }) });
  const paymentEvents = async (orderNumber: string) =>
    (await streamEvents(redis.client(), redisKeys(redis.prefix).events)).filter((e): e is PaymentEvent => e.type.startsWith("payment.") && e.data.orderNumber === orderNumber);

  it("are in every payment event: nothing refundable before the payment succeeded, its amount once it did", async () => {
    const { payments } = stores();
    await paymentIn(payments, "A1", { amount: "12.5" });
    await paymentIn(payments, "A2", { amount: "1200", currency: "JPY", status: "failed" });
    expect((await paymentEvents("A1")).map((e) => [e.type, e.data.refundedAmount, e.data.refundableAmount])).toEqual([
      ["payment.accepted", "0.00", "0.00"], ["payment.submitting", "0.00", "0.00"], ["payment.succeeded", "0.00", "12.50"],
    ]);
    expect((await paymentEvents("A2")).map((e) => [e.type, e.data.refundedAmount, e.data.refundableAmount]).at(-1)).toEqual(["payment.failed", "0", "0"]);
  });

  it("follow the refunds on reads and on replays of the payment's creation (one and many)", async () => {
    const { payments, refunds } = stores();
    const ref = await paymentIn(payments, "A3", { amount: "10.00" });
    await refunds.create(newRefund(ref, "R-1", "3.00"));
    await refunds.create(newRefund(ref, "R-2", "2.00"));
    await refunds.transition(refundRef(ref, "R-1"), { to: "submitting", source: "payer" });
    await refunds.transition(refundRef(ref, "R-1"), { to: "succeeded", source: "query" });
    const expected = { status: "succeeded", refundedAmount: "3.00", refundableAmount: "5.00" };
    expect(await payments.get(ref)).toMatchObject(expected);
    const stored = (await payments.get(ref)) as Payment;
    const replay = await payments.create({ account, orderNumber: "A3", payment: { ...stored, status: "accepted" }, requestHash: "h" });
    expect(replay).toMatchObject({ created: false, payment: expected });
    const [batched] = await payments.createMany([{ account, orderNumber: "A3", payment: stored, requestHash: "h" }]);
    expect(batched).toMatchObject({ created: false, payment: expected });
  });
});

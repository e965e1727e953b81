import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { PaymentStore, type RiskNotice, RiskNotices } from "../../src/payments/index.js";
import { redisKeys } from "../../src/redis/index.js";
import { refundSchedule } from "../../src/refunds/index.js";
import { account, paymentIn, streamEvents } from "../refunds/refund-fixtures.js";

const chargeBack: RiskNotice = {
  type: "chargeBack", status: "2", details: { code: "", message: "" }, id: "240601101010000000001", paymentId: "240506101548268260914", pushedAt: "2026-06-01 10:10:10",
};

describe("RiskNotices", () => {
  const redis = useRedis();
  const stores = () => {
    const payments = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    return { payments, notices: new RiskNotices({ redis: redis.client(), keyPrefix: redis.prefix, read: (ref) => payments.get(ref) }) };
  };

  it("records one payment.risk_notice event with the payment and the notice, once per type, id and status; the payment does not move", async () => {
    const { payments, notices } = stores();
    const ref = await paymentIn(payments, "K1");
    const before = await payments.get(ref);
    if (!before) throw new Error("no payment");
    const recorded = await notices.record(ref, chargeBack, before);
    expect(recorded).toMatchObject({ outcome: "recorded", eventId: expect.stringMatching(/^evt_/) });
    expect(await notices.record(ref, chargeBack, before)).toEqual({ outcome: "duplicate" });
    expect(await notices.record(ref, { ...chargeBack, status: "0" }, before)).toMatchObject({ outcome: "recorded" });
    const events = (await streamEvents(redis.client(), redisKeys(redis.prefix).events)).filter((e) => e.type === "payment.risk_notice");
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ type: "payment.risk_notice", data: { orderNumber: "K1", storeId: "store-a", payment: { status: "succeeded", version: before.version, refundableAmount: "10.00" }, notice: chargeBack } });
    expect(await payments.get(ref)).toEqual(before);
  });

  it("records the payment as it stands when it moved after the caller read it, and nothing for a payment that is not there", async () => {
    const { payments, notices } = stores();
    const ref = await paymentIn(payments, "K2", { status: "pending" });
    const read = await payments.get(ref);
    if (!read) throw new Error("no payment");
    await payments.transition(ref, { to: "succeeded", source: "query" });
    await notices.record(ref, { ...chargeBack, type: "fraud" }, read);
    const [event] = (await streamEvents(redis.client(), redisKeys(redis.prefix).events)).filter((e) => e.type === "payment.risk_notice");
    expect(event?.data).toMatchObject({ payment: { status: "succeeded", version: read.version + 1 } });
    expect(await notices.record({ account, orderNumber: "NONE" }, chargeBack, read)).toEqual({ outcome: "not_found" });
  });
});

describe("refundSchedule", () => {
  const redis = useRedis();

  it("is the refunds' own schedule (their keys and members), shared by whoever asks for a refund's query and the payer", async () => {
    const schedule = refundSchedule({ redis: redis.client(), keyPrefix: redis.prefix, intervalsMs: [60_000] });
    const ref = { account, orderNumber: "K3", refundNumber: "R-1" };
    await schedule.scheduleAt(ref, 5_000);
    const keys = redisKeys(redis.prefix);
    expect(await redis.client().zscore(keys.refundReconcile, "995149:K3:R-1")).toBe("5000");
    expect(await redis.client().zscore(keys.reconcile, "995149:K3:R-1")).toBeNull();
    expect(await schedule.claimDue(5_000, 10)).toEqual([{ ref, checks: 1 }]);
    expect(await schedule.dueAt(ref)).toBe(65_000);
  });
});

import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { ReconcileSchedule } from "./reconcile-schedule.js";

describe("ReconcileSchedule", () => {
  const redis = useRedis();
  const schedule = (intervalsMs = [100, 200, 1000]) => new ReconcileSchedule({ redis: redis.client(), keyPrefix: redis.prefix, intervalsMs });
  const a = { account: "995149", orderNumber: "A-1" };
  const b = { account: "995149", orderNumber: "B:2" };

  it("claims only due members, pushing each to its next interval; the last interval repeats", async () => {
    const s = schedule();
    await s.schedule(a, 0); // due at 100
    await s.schedule(b, 500); // due at 600
    expect(await s.claimDue(50, 10)).toEqual([]);
    expect(await s.claimDue(100, 10)).toEqual([{ ref: a, checks: 1 }]);
    expect(await s.dueAt(a)).toBe(300);
    expect(await s.claimDue(300, 10)).toEqual([{ ref: a, checks: 2 }]);
    expect(await s.dueAt(a)).toBe(1300);
    const third = await s.claimDue(1300, 10);
    expect(third).toEqual(expect.arrayContaining([{ ref: a, checks: 3 }, { ref: b, checks: 1 }]));
    expect(await s.dueAt(a)).toBe(2300);
    expect(await s.dueAt(b)).toBe(1500);
  });

  it("never hands one due member to two concurrent claimers", async () => {
    const s = schedule([1000]);
    for (let i = 0; i < 50; i++) await s.schedule({ account: "995149", orderNumber: `N${i}` }, 0);
    const claimers = Array.from({ length: 5 }, () => schedule([1000]));
    const results = await Promise.all(claimers.map((c) => c.claimDue(1000, 20)));
    const all = results.flat().map((c) => c.ref.orderNumber);
    expect(all).toHaveLength(50);
    expect(new Set(all).size).toBe(50);
  });

  it("retryAt gives back a claim that got no answer: the step is not advanced and the check comes back sooner", async () => {
    const s = schedule([100, 200, 1000, 60_000]);
    await s.schedule(a, 0); // due at 100
    expect(await s.claimDue(100, 10)).toEqual([{ ref: a, checks: 1 }]);
    expect(await s.claimDue(300, 10)).toEqual([{ ref: a, checks: 2 }]);
    expect(await s.dueAt(a)).toBe(1300); // pushed a step: 300 + 1000
    // That check's query failed: ask again within 50 ms, at the same step.
    await s.retryAt([a], 350);
    expect(await s.dueAt(a)).toBe(350);
    // Failures do not walk it to the slowest interval, however many there are.
    for (let now = 350; now < 400; now += 10) {
      expect(await s.claimDue(now, 10)).toEqual([{ ref: a, checks: 2 }]);
      expect(await s.dueAt(a)).toBe(now + 1000);
      await s.retryAt([a], now + 10);
    }
    // An answered check advances it as before.
    expect(await s.claimDue(400, 10)).toEqual([{ ref: a, checks: 2 }]);
    expect(await s.claimDue(1400, 10)).toEqual([{ ref: a, checks: 3 }]);
    expect(await s.dueAt(a)).toBe(61_400);
  });

  it("retryAt never delays a check due sooner, never goes below no checks, and never brings back a removed member", async () => {
    const s = schedule([100, 200, 1000]);
    await s.schedule(a, 0);
    await s.retryAt([a], 5000); // not claimed, due at 100: left at 100, checks stay 0
    expect(await s.dueAt(a)).toBe(100);
    expect(await s.claimDue(100, 10)).toEqual([{ ref: a, checks: 1 }]);
    await s.schedule(b, 0);
    await s.remove(b); // settled while its query was in flight
    await s.retryAt([a, b], 150);
    expect(await s.dueAt(a)).toBe(150);
    expect(await s.dueAt(b)).toBeUndefined();
    expect(await s.claimDue(150, 10)).toEqual([{ ref: a, checks: 1 }]);
  });

  it("hasten brings a scheduled check forward, never back, and never schedules a removed member", async () => {
    const s = schedule();
    await s.scheduleAt(a, 5000);
    await s.hasten(a, 9000);
    expect(await s.dueAt(a)).toBe(5000);
    await s.hasten(a, 3000);
    expect(await s.dueAt(a)).toBe(3000);
    await s.remove(a);
    await s.hasten(a, 1000);
    expect(await s.dueAt(a)).toBeUndefined();
  });

  it("keeps the earlier due time, and forgets removed members", async () => {
    const s = schedule();
    await s.scheduleAt(a, 5000);
    await s.schedule(a, 0);
    expect(await s.dueAt(a)).toBe(100);
    await s.scheduleAt(a, 9000);
    expect(await s.dueAt(a)).toBe(100);
    await s.remove(a);
    expect(await s.dueAt(a)).toBeUndefined();
    expect(await s.claimDue(10_000, 10)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { dueCount, dueOffsetMs, runClosedLoop, runOpenLoop } from "./open-loop.js";

describe("open-loop schedule math", () => {
  it("spaces requests 1000 / rate ms apart from 0", () => {
    expect(dueOffsetMs(0, 1000)).toBe(0);
    expect(dueOffsetMs(1, 1000)).toBe(1);
    expect(dueOffsetMs(10, 200)).toBe(50);
    expect(dueOffsetMs(3, 3)).toBe(1000);
  });

  it("counts the requests due by a time, the first at once, capped at the total", () => {
    expect(dueCount(0, 1000, 10_000)).toBe(1);
    expect(dueCount(0.999, 1000, 10_000)).toBe(1);
    expect(dueCount(1, 1000, 10_000)).toBe(2);
    expect(dueCount(9_999.5, 1000, 10_000)).toBe(10_000);
    expect(dueCount(60_000, 1000, 10_000)).toBe(10_000);
    expect(dueCount(-5, 1000, 10)).toBe(0);
    // 1000 / 3 × 3 must not lose the boundary request to float error.
    expect(dueCount(dueOffsetMs(3, 3), 3, 100)).toBe(4);
  });

  it("agrees with dueOffsetMs: request i is due exactly when the count passes i", () => {
    for (const rate of [1, 7, 333, 1000, 2500]) {
      for (const i of [0, 1, 2, 10, 99, 1234]) {
        expect(dueCount(dueOffsetMs(i, rate), rate, Number.MAX_SAFE_INTEGER)).toBe(i + 1);
      }
    }
  });

  it("refuses a rate that is not positive", () => {
    expect(() => dueOffsetMs(1, 0)).toThrow(RangeError);
    expect(() => dueCount(1, -1, 5)).toThrow(RangeError);
  });
});

describe("runOpenLoop", () => {
  it("measures latency from the due time, so a stalled server cannot hide", async () => {
    let clock = 0;
    // A server that takes 50 ms for request 0 and answers the others at once; the clock only
    // moves when the loop sleeps or a request resolves.
    const result = await runOpenLoop({
      ratePerSec: 100,
      durationMs: 50,
      now: () => clock,
      fire: async (i) => {
        if (i === 0) clock += 50;
      },
    });
    expect(result.sent).toBe(5);
    expect(result.errors).toBe(0);
    expect(result.latenciesMs[0]).toBe(50);
  });

  it("counts rejected requests as errors", async () => {
    const result = await runOpenLoop({ ratePerSec: 1000, durationMs: 5, fire: async (i) => (i % 2 ? Promise.reject(new Error("x")) : undefined) });
    expect(result.sent).toBe(5);
    expect(result.errors).toBe(2);
    expect(result.latenciesMs).toHaveLength(3);
  });
});

describe("runClosedLoop", () => {
  it("keeps at most `concurrency` in flight and sends every request once", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const { sent, errors } = await runClosedLoop({ total: 50, concurrency: 4 }, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      seen.push(i);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      if (i === 7) throw new Error("boom");
    });
    expect(sent).toBe(50);
    expect(errors).toBe(1);
    expect(peak).toBe(4);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

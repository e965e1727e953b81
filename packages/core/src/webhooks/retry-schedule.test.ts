import { describe, expect, it } from "vitest";
import { defaultRetrySchedule, maxDeliveryAttempts, retryDelayMs } from "./retry-schedule.js";

describe("webhook retry schedule", () => {
  it("is the contract's 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts in all", () => {
    expect(defaultRetrySchedule.map((ms) => ms / 1000)).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(maxDeliveryAttempts()).toBe(8);
  });

  it("applies jitter within ±20% and the scale", () => {
    expect(retryDelayMs(1, { random: () => 0 })).toBe(4_000);
    expect(retryDelayMs(1, { random: () => 1 })).toBe(6_000);
    expect(retryDelayMs(2, { random: () => 0.5 })).toBe(300_000);
    expect(retryDelayMs(4, { random: () => 0.5, scale: 0.001 })).toBe(7_200);
  });

  it("has no delay after the last retry", () => {
    expect(retryDelayMs(7, { random: () => 0.5 })).toBe(36_000_000);
    expect(retryDelayMs(8)).toBeUndefined();
  });
});

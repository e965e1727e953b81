import { describe, expect, it } from "vitest";
import { outageFaults } from "../src/gateway-outage.js";

describe("outageFaults", () => {
  it("splits a failure rate into 5xx, time-outs and resets that, rolled one after the other, fail that share of calls", () => {
    const f = outageFaults(0.3);
    expect(f.errorRate).toBe(f.timeoutRate);
    expect(f.timeoutRate).toBe(f.resetAfterChargeRate);
    // The sandbox rolls 5xx, then time-out, then reset: a call is answered only if all three miss.
    const answered = (1 - f.errorRate) * (1 - f.timeoutRate) * (1 - f.resetAfterChargeRate);
    expect(1 - answered).toBeCloseTo(0.3, 12);
    expect(outageFaults(0)).toEqual({ errorRate: 0, timeoutRate: 0, resetAfterChargeRate: 0 });
  });
});

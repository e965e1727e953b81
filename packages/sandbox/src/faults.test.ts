import { describe, expect, it } from "vitest";
import { FaultUpdate, Faults } from "./faults.js";

describe("Faults", () => {
  it("rolls against the injected random and draws nothing for a zero rate", () => {
    const draws: number[] = [];
    const values = [0.1, 0.9];
    const faults = new Faults(() => {
      const v = values[draws.length] ?? 0;
      draws.push(v);
      return v;
    });
    expect(faults.roll(0)).toBe(false);
    expect(draws).toHaveLength(0);
    expect(faults.roll(0.5)).toBe(true);
    expect(faults.roll(0.5)).toBe(false);
    expect(draws).toEqual([0.1, 0.9]);
  });

  it("merges updates and clears", () => {
    const faults = new Faults(() => 0);
    faults.set({ errorRate: 0.5 });
    faults.set({ latencyMs: 10 });
    expect(faults.current).toMatchObject({ errorRate: 0.5, latencyMs: 10 });
    expect(faults.clear().errorRate).toBe(0);
  });

  it("validates updates strictly", () => {
    expect(FaultUpdate.safeParse({ noticeDrop: "yes" }).success).toBe(false);
    expect(FaultUpdate.safeParse({ errorRate: -0.1 }).success).toBe(false);
    expect(FaultUpdate.safeParse({ bogus: 1 }).success).toBe(false);
    expect(FaultUpdate.safeParse({ noticeReorder: true, badSignatureRate: 1 }).success).toBe(true);
  });
});

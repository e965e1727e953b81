import { describe, expect, it } from "vitest";
import { OutageBackoff } from "./outage-backoff.js";

describe("OutageBackoff", () => {
  it("doubles from the first wait up to the cap, per account; an answer starts over", () => {
    const full = new OutageBackoff({ initialMs: 1_000, maxMs: 12_000, random: () => 0.999_999 });
    expect([1, 2, 3, 4, 5, 6].map(() => full.unanswered("995149"))).toEqual([1_000, 2_000, 4_000, 8_000, 12_000, 12_000]);
    expect(full.unanswered("123456")).toBe(1_000); // another account has its own streak
    full.answered("995149");
    expect(full.unanswered("995149")).toBe(1_000);
  });

  it("draws each wait between half and all of it (jitter), never beyond the cap", () => {
    const low = new OutageBackoff({ initialMs: 1_000, maxMs: 10_000, random: () => 0 });
    expect([1, 2, 3, 4, 5].map(() => low.unanswered("995149"))).toEqual([500, 1_000, 2_000, 4_000, 5_000]);
    const any = new OutageBackoff();
    for (let i = 0; i < 200; i++) {
      const wait = any.unanswered("995149");
      expect(wait).toBeGreaterThanOrEqual(500);
      expect(wait).toBeLessThanOrEqual(10_000);
    }
  });
});

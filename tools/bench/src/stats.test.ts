import { describe, expect, it } from "vitest";
import { percentile, ratePerSec, round, summarize } from "./stats.js";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it("picks the smallest value with at least p % of samples at or below it", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.9)).toBe(100);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it("handles the edges", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7], 99)).toBe(7);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
  });
});

describe("summarize", () => {
  it("sorts numerically without touching the input", () => {
    const samples = [5, 100, 1, 20, 3];
    const s = summarize(samples);
    expect(samples).toEqual([5, 100, 1, 20, 3]);
    expect(s).toMatchObject({ count: 5, minMs: 1, p50Ms: 5, p99Ms: 100, maxMs: 100, meanMs: 25.8 });
  });

  it("reports NaN for no samples", () => {
    expect(summarize([]).p99Ms).toBeNaN();
    expect(summarize([]).count).toBe(0);
  });
});

describe("ratePerSec and round", () => {
  it("converts a count over milliseconds into a rate", () => {
    expect(ratePerSec(4000, 2000)).toBe(2000);
    expect(ratePerSec(1, 3)).toBe(333.3);
    expect(ratePerSec(10, 0)).toBe(0);
  });

  it("rounds to the given decimals", () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(1.25, 1)).toBe(1.3);
    expect(round(Number.NaN)).toBeNaN();
  });
});

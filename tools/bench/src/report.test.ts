import { describe, expect, it } from "vitest";
import { verdict } from "./report.js";

describe("verdict", () => {
  it("compares against the target's direction; NaN fails", () => {
    expect(verdict(4100, { op: ">=", value: 4000 })).toBe("pass");
    expect(verdict(3999, { op: ">=", value: 4000 })).toBe("FAIL");
    expect(verdict(20, { op: "<=", value: 20 })).toBe("pass");
    expect(verdict(Number.NaN, { op: "<=", value: 20 })).toBe("FAIL");
    expect(verdict(5, undefined)).toBe("");
  });
});

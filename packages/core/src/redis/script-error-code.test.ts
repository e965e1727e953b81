import { describe, expect, it } from "vitest";
import { ScriptErrorCode } from "./script-error-code.js";

describe("ScriptErrorCode", () => {
  it("gives each refusal its own number, so a reply means one thing whichever script sent it", () => {
    const codes = Object.values(ScriptErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => Number.isInteger(code) && code <= 0)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { parseRefMember, refMember } from "./payment-ref.js";

describe("payment ref member", () => {
  it("is account:orderNumber, and reads back split at the first colon", () => {
    const ref = { account: "995149", orderNumber: "NO-1_a" };
    expect(refMember(ref)).toBe("995149:NO-1_a");
    expect(parseRefMember(refMember(ref))).toEqual(ref);
    expect(parseRefMember("995149:a:b")).toEqual({ account: "995149", orderNumber: "a:b" });
  });

  it("refuses what it never writes", () => {
    for (const member of ["", "995149", ":NO1", "995149:"]) expect(parseRefMember(member)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { submitFeedRef } from "./submit-feed.js";

describe("submitFeedRef", () => {
  it("reads account and order number; split at the first colon", () => {
    expect(submitFeedRef(["ref", "995149:NO-1_a"])).toEqual({ account: "995149", orderNumber: "NO-1_a" });
  });

  it("refuses what the create script never writes", () => {
    for (const fields of [null, [], ["other", "995149:NO1"], ["ref", "995149"], ["ref", ":NO1"], ["ref", "995149:"]]) {
      expect(submitFeedRef(fields)).toBeUndefined();
    }
  });
});

import { describe, expect, it } from "vitest";
import { loadNotifierConfig } from "./config.js";

describe("notifier configuration", () => {
  it("waits 250 ms for a full webhook lane by default, and at most 10 s", () => {
    expect(loadNotifierConfig({}).WEBHOOK_LANE_WAIT_MS).toBe(250);
    expect(loadNotifierConfig({ WEBHOOK_LANE_WAIT_MS: "0" }).WEBHOOK_LANE_WAIT_MS).toBe(0);
    expect(() => loadNotifierConfig({ WEBHOOK_LANE_WAIT_MS: "20000" })).toThrow(/WEBHOOK_LANE_WAIT_MS: must be at most 10000/);
  });
});

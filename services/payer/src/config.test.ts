import { ConfigError } from "@oceanpos/core/errors";
import { describe, expect, it } from "vitest";
import { loadPayerConfig } from "./config.js";

describe("loadPayerConfig", () => {
  it("has the documented defaults", () => {
    const config = loadPayerConfig({});
    expect(config).toMatchObject({
      PAYER_PORT: 3002,
      PAYER_CONCURRENCY: 100,
      NOTICE_URL: "http://127.0.0.1:3001/oceanpayment/notice",
      OCEANPAYMENT_GATEWAY_URL: "http://127.0.0.1:3100",
      OCEANPAYMENT_QUERY_URL: "http://127.0.0.1:3100",
      RECONCILE_SCHEDULE_MS: [2_000, 5_000, 15_000, 30_000, 60_000, 300_000],
      QR_EXPIRY_MS: 600_000,
      UNSETTLED_REVIEW_AFTER_MS: 900_000,
      GATEWAY_RATE_PER_TERMINAL: 50,
      GATEWAY_BURST_PER_TERMINAL: 100,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("takes the settlement window in milliseconds, whole and at least a second", () => {
    expect(loadPayerConfig({ UNSETTLED_REVIEW_AFTER_MS: "120000" }).UNSETTLED_REVIEW_AFTER_MS).toBe(120_000);
    for (const value of ["999", "1.5e3x", "-1", "60000.5", "soon"]) {
      expect(() => loadPayerConfig({ UNSETTLED_REVIEW_AFTER_MS: value }), value).toThrow(/UNSETTLED_REVIEW_AFTER_MS/);
    }
  });

  it("parses the reconcile schedule and trims trailing slashes of URLs", () => {
    const config = loadPayerConfig({ RECONCILE_SCHEDULE_MS: "100, 200,400", OCEANPAYMENT_QUERY_URL: "https://query.oceanpayment.com/" });
    expect(config.RECONCILE_SCHEDULE_MS).toEqual([100, 200, 400]);
    expect(config.OCEANPAYMENT_QUERY_URL).toBe("https://query.oceanpayment.com");
  });

  it("names every bad variable", () => {
    const bad = {
      PAYER_CONCURRENCY: "0",
      RECONCILE_SCHEDULE_MS: "2000,soon",
      NOTICE_URL: "ftp://x",
      GATEWAY_RATE_PER_TERMINAL: "-1",
      UNSETTLED_REVIEW_AFTER_MS: "500",
    };
    expect(() => loadPayerConfig(bad)).toThrow(ConfigError);
    try {
      loadPayerConfig(bad);
    } catch (err) {
      for (const name of Object.keys(bad)) expect((err as Error).message).toContain(name);
    }
  });
});

import { describe, expect, it } from "vitest";
import { loadLedgerConfig } from "./config.js";

describe("ledger configuration", () => {
  it("has the contract's defaults", () => {
    const config = loadLedgerConfig({});
    expect(config).toMatchObject({
      LEDGER_PORT: 3003,
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/oceanpos",
      GATEWAY_TIME_ZONE: "Asia/Shanghai",
      LEDGER_GROUP: "ledger",
      ADMIN_TOKEN: "demo-admin",
      RECONCILIATION_AT: "02:00",
      OCEANPAYMENT_QUERY_URL: "http://127.0.0.1:3100",
    });
  });

  it("names a bad variable", () => {
    expect(() => loadLedgerConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadLedgerConfig({ GATEWAY_TIME_ZONE: "UTC+8" })).toThrow(/GATEWAY_TIME_ZONE: must be an IANA time zone/);
    expect(() => loadLedgerConfig({ DATABASE_POOL_SIZE: "1" })).toThrow(/DATABASE_POOL_SIZE: must be at least 2/);
    expect(() => loadLedgerConfig({ NODE_ENV: "production" })).toThrow(/ADMIN_TOKEN: is required/);
    expect(() => loadLedgerConfig({ RECONCILIATION_AT: "2:00" })).toThrow(/RECONCILIATION_AT: must be HH:MM/);
    expect(loadLedgerConfig({ RECONCILIATION_AT: "off" }).RECONCILIATION_AT).toBe("off");
  });
});

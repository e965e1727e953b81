import { describe, expect, it } from "vitest";
import { addDays, currencyDecimals, dayIn, formatAmount, formatTime, nextDay, startOfDay } from "./format.js";

describe("formatAmount", () => {
  it("shows the currency's own decimals from the decimal string, without floats", () => {
    expect(currencyDecimals("USD")).toBe(2);
    expect(currencyDecimals("JPY")).toBe(0);
    expect(currencyDecimals("KWD")).toBe(3);
    expect(formatAmount("12.5", "USD")).toBe("12.50 USD");
    expect(formatAmount("1234567.05", "USD")).toBe("1,234,567.05 USD");
    expect(formatAmount("1500", "JPY")).toBe("1,500 JPY");
    expect(formatAmount("0.1", "KWD")).toBe("0.100 KWD");
    // Beyond what a float holds: every digit survives.
    expect(formatAmount("90071992547409931.99", "USD")).toBe("90,071,992,547,409,931.99 USD");
    expect(formatAmount(undefined, "USD")).toBe("—");
  });
});

describe("times in a chosen zone", () => {
  it("formats an instant in the zone", () => {
    expect(formatTime("2026-12-06T17:05:09.123Z", "UTC")).toBe("2026-12-06 17:05:09");
    expect(formatTime("2026-12-06T17:05:09.123Z", "Asia/Shanghai")).toBe("2026-12-07 01:05:09");
    expect(formatTime("2026-07-01T12:00:00Z", "America/New_York")).toBe("2026-07-01 08:00:00");
  });

  it("finds a day's first instant in the zone, on DST days too", () => {
    expect(startOfDay("2026-12-06", "UTC")).toBe("2026-12-06T00:00:00.000Z");
    expect(startOfDay("2026-12-06", "Asia/Shanghai")).toBe("2026-12-05T16:00:00.000Z");
    expect(startOfDay("2026-03-08", "America/New_York")).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDay("2026-03-09", "America/New_York")).toBe("2026-03-09T04:00:00.000Z");
    expect(startOfDay("2026-11-01", "America/New_York")).toBe("2026-11-01T04:00:00.000Z");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-12-06", -6)).toBe("2026-11-30");
  });

  it("tells the day it is in the zone", () => {
    const at = new Date("2026-12-06T17:05:09Z");
    expect(dayIn("UTC", at)).toBe("2026-12-06");
    expect(dayIn("Asia/Shanghai", at)).toBe("2026-12-07");
    expect(dayIn("America/Los_Angeles", new Date("2026-12-06T07:00:00Z"))).toBe("2026-12-05");
  });
});

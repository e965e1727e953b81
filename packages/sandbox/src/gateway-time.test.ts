// Expected instants are written as ISO times with Shanghai's +08:00 (no DST since 1991), not
// computed with the code under test.
import { describe, expect, it } from "vitest";
import { parseDateTime, sixMonthsBefore } from "./gateway-time.js";

describe("parseDateTime", () => {
  it.each([
    ["2024-05-27 23:59:59", "2024-05-27T23:59:59+08:00"],
    ["2024-05-28 00:00:00", "2024-05-28T00:00:00+08:00"],
    ["2024-02-29 12:30:05", "2024-02-29T12:30:05+08:00"],
    ["2023-12-31 23:59:59", "2023-12-31T23:59:59+08:00"],
  ])("%s is %s", (gateway, iso) => {
    expect(parseDateTime(gateway)).toBe(Date.parse(iso));
  });

  it.each(["2024-02-30 10:00:00", "2023-02-29 10:00:00", "2024-05-27 24:00:00", "2024-05-27 23:60:00", "2024-5-27 10:00:00", "2024-05-27T10:00:00", "2024-05-27 10:00", " 2024-05-27 10:00:00", "", undefined])(
    "refuses %s",
    (value) => {
      expect(parseDateTime(value)).toBeUndefined();
    },
  );
});

describe("sixMonthsBefore", () => {
  it.each([
    ["2024-05-27T12:00:00+08:00", "2023-11-27 00:00:00"],
    ["2024-08-31T12:00:00+08:00", "2024-02-29 00:00:00"],
    ["2024-01-15T12:00:00+08:00", "2023-07-15 00:00:00"],
    ["2024-12-31T12:00:00+08:00", "2024-06-30 00:00:00"],
    // Already the 27th in the gateway's zone while still the 26th in UTC.
    ["2024-05-26T16:30:00Z", "2023-11-27 00:00:00"],
  ])("on %s the earliest begin is %s", (now, earliest) => {
    expect(sixMonthsBefore(Date.parse(now))).toBe(earliest);
  });
});

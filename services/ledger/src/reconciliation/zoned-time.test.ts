import { describe, expect, it } from "vitest";
import { addDays, addMonths, dateInZone, dayBounds, formatInZone, parseInZone } from "./zoned-time.js";

describe("zoned times", () => {
  it("reads and writes a zone's wall time", () => {
    const ms = Date.parse("2026-03-01T16:30:05.900Z");
    expect(formatInZone(ms, "Asia/Shanghai")).toBe("2026-03-02 00:30:05");
    expect(parseInZone("2026-03-02 00:30:05", "Asia/Shanghai")).toBe(Date.parse("2026-03-01T16:30:05Z"));
    expect(dateInZone(ms, "UTC")).toBe("2026-03-01");
    expect(parseInZone("2026-03-02T00:30:05", "UTC")).toBeUndefined();
  });

  it("gives a DST day its 23 or 25 hours", () => {
    const spring = dayBounds("2026-03-08", "America/New_York");
    expect([new Date(spring.start).toISOString(), (spring.end - spring.start) / 3_600_000]).toEqual(["2026-03-08T05:00:00.000Z", 23]);
    const autumn = dayBounds("2026-11-01", "America/New_York");
    expect((autumn.end - autumn.start) / 3_600_000).toBe(25);
  });

  it("counts days and calendar months, clamping the day", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(addMonths("2024-08-31", -6)).toBe("2024-02-29");
    expect(addMonths("2026-03-15", -6)).toBe("2025-09-15");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
  });
});

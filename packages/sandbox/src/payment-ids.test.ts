import { describe, expect, it } from "vitest";
import { PaymentIds, barCodeFor, formatDateTime } from "./payment-ids.js";

describe("PaymentIds", () => {
  it("makes 21-digit ids from the gateway's clock (UTC+8) and a never-repeating sequence", () => {
    const ids = new PaymentIds(() => Date.UTC(2024, 4, 6, 2, 15, 48));
    expect(ids.next()).toBe("240506101548000000001");
    expect(ids.next()).toBe("240506101548000000002");
  });

  it("formats times in the gateway's zone, across midnight", () => {
    expect(formatDateTime(Date.UTC(2024, 4, 6, 2, 15, 48))).toBe("2024-05-06 10:15:48");
    expect(formatDateTime(Date.UTC(2024, 11, 31, 16, 0, 0))).toBe("2025-01-01 00:00:00");
    // Within a second, across one, and back in time.
    const at = Date.UTC(2024, 4, 6, 2, 15, 48);
    expect(formatDateTime(at + 999)).toBe("2024-05-06 10:15:48");
    expect(formatDateTime(at + 1000)).toBe("2024-05-06 10:15:49");
    expect(formatDateTime(at - 1)).toBe("2024-05-06 10:15:47");
    expect(formatDateTime(at)).toBe("2024-05-06 10:15:48");
  });
});

describe("barCodeFor", () => {
  it("is a bare 28-digit string shaped like the documented 2024050622001432901441897816", () => {
    const barCode = barCodeFor("240506101548268260914");
    expect(barCode).toMatch(/^\d{28}$/);
    expect(barCode.slice(0, 13)).toBe("2024050622001");
  });

  it("differs for every payment id", () => {
    const ids = new PaymentIds(() => Date.UTC(2024, 4, 6, 2, 15, 48));
    const codes = Array.from({ length: 1_000 }, () => barCodeFor(ids.next()));
    expect(new Set(codes).size).toBe(1_000);
  });
});

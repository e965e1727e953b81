import { describe, expect, it } from "vitest";
import { PaymentIds, barCodeFor, formatDateTime } from "./payment-ids.js";

describe("PaymentIds", () => {
  it("makes 21-digit ids from the clock and a never-repeating sequence", () => {
    const ids = new PaymentIds(() => Date.UTC(2024, 4, 6, 10, 15, 48));
    const a = ids.next();
    const b = ids.next();
    expect(a).toBe("240506101548000000001");
    expect(b).toBe("240506101548000000002");
  });

  it("formats payment_dateTime and derives distinct bar codes", () => {
    expect(formatDateTime(Date.UTC(2024, 4, 6, 10, 15, 48))).toBe("2024-05-06 10:15:48");
    expect(barCodeFor("WeChatPay_Offline", "240506101548000000001")).not.toBe(
      barCodeFor("WeChatPay_Offline", "240506101548000000002"),
    );
  });
});

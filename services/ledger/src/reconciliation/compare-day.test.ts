import { describe, expect, it } from "vitest";
import { type ArchivedPayment, type ListedCharge, compareDay } from "./compare-day.js";

const start = Date.parse("2026-03-01T00:00:00Z");
const end = Date.parse("2026-03-02T00:00:00Z");
const t = (iso: string) => Date.parse(`2026-03-01T${iso}Z`);
const charge = (orderNumber: string, at: number, over: Partial<ListedCharge> = {}): ListedCharge => ({
  paymentId: `G${orderNumber}`,
  orderNumber,
  currency: "USD",
  amount: "12.5",
  method: "WeChatPay_Offline",
  dateTime: "(gateway time)",
  at,
  ...over,
});
const payment = (orderNumber: string, at: number, over: Partial<ArchivedPayment> = {}): ArchivedPayment => ({
  storeId: "s",
  orderNumber,
  createdAt: at,
  status: "succeeded",
  amount: "12.50",
  currency: "USD",
  paymentId: `G${orderNumber}`,
  succeededAt: at,
  ...over,
});
const compare = (theirs: ListedCharge[], ours: ArchivedPayment[]) => compareDay({ start, end, toleranceMs: 600_000, theirs, ours });

describe("compareDay", () => {
  it("reports a second charge of an order already matched as missing_here", () => {
    const result = compare([charge("A", t("10:00:00")), charge("A", t("10:01:00"), { paymentId: "G2" })], [payment("A", t("10:00:00"))]);
    expect(result.matched).toEqual([{ currency: "USD", count: 1, amount: "12.50" }]);
    expect(result.discrepancies.map((d) => [d.kind, d.paymentId])).toEqual([["missing_here", "G2"]]);
  });

  it("pairs a number used again with the payment created last before the charge", () => {
    const old = payment("A", t("01:00:00") - 40 * 86_400_000, { paymentId: "OLD" });
    const current = payment("A", t("09:59:00"), { paymentId: null, status: "failed", succeededAt: null });
    const result = compare([charge("A", t("10:00:00"))], [old, current]);
    expect(result.discrepancies.map((d) => [d.kind, d.ours?.status])).toEqual([["status_mismatch", "failed"]]);
  });

  it("leaves a charge of the next day and a success of the day before to their own days", () => {
    const result = compare([charge("N", end + 1_000)], [payment("P", start - 1_000), payment("N", end - 1_000)]);
    expect(result).toEqual({ matched: [], discrepancies: [] });
  });

  it("compares amounts as decimals and currencies exactly", () => {
    const result = compare([charge("A", t("10:00:00"), { amount: "12.5" }), charge("B", t("11:00:00"), { currency: "HKD" })], [payment("A", t("10:00:00")), payment("B", t("11:00:00"))]);
    expect(result.discrepancies.map((d) => [d.kind, d.orderNumber])).toEqual([["amount_mismatch", "B"]]);
  });
});

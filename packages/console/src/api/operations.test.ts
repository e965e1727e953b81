import { describe, expect, it } from "vitest";
import { extraFields, paymentOfTarget } from "./operations.js";

describe("the audit log's targets", () => {
  it("names the payment of a payment's or a refund's target, and nothing else", () => {
    expect(paymentOfTarget("payment:demo-store:NO-1")).toEqual({ storeId: "demo-store", orderNumber: "NO-1" });
    expect(paymentOfTarget("refund:demo-store:NO-1:R-1")).toEqual({ storeId: "demo-store", orderNumber: "NO-1", refundNumber: "R-1" });
    expect(paymentOfTarget("subscription:sub_1")).toBeUndefined();
    expect(paymentOfTarget("reconciliation:2026-12-06")).toBeUndefined();
    expect(paymentOfTarget("refund:demo-store:NO-1")).toBeUndefined();
  });
});

describe("fields a newer API adds", () => {
  it("are kept by name, as text, and the known and empty ones left out", () => {
    const run = { id: "rec_1", status: "completed", refunds: [{ kind: "missing_here", refundNumber: "R-1" }], note: "n", gone: null };
    expect(extraFields(run, ["id", "status"])).toEqual([
      ["refunds", '[{"kind":"missing_here","refundNumber":"R-1"}]'],
      ["note", "n"],
    ]);
  });
});

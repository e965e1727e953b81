import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { documentFields, noticeForgeries, rejectionSuccesses, renderDocument, shiftableNotes, shifted } from "./forgery.js";
import { isGenuine } from "./notice-attacker.js";

/**
 * Signature vectors computed here, from the field order restated here (shared/oceanpayment.md:
 * account, terminal, order_number, order_currency, order_amount, order_notes, card_number,
 * payment_id, payment_authType, payment_status, payment_details, payment_risk, then the
 * secureCode, SHA-256), never from the module under test.
 */
const order = "account terminal order_number order_currency order_amount order_notes card_number payment_id payment_authType payment_status payment_details payment_risk".split(" ");
const sign = (f: Record<string, string>) => createHash("sha256").update(`${order.map((k) => f[k] ?? "").join("")}12345678`).digest("hex").toUpperCase();
const signed = (f: Record<string, string>): Record<string, string> => ({ ...f, signValue: sign(f) });

/** The sandbox's rejection of a pay request with a bad signValue: our order echoed, no payment_id, 20013. */
const rejection = (notes: string) =>
  signed({
    account: "995149",
    terminal: "99514901",
    order_number: "CHx-000001",
    order_currency: "USD",
    order_amount: "499.00",
    order_notes: notes,
    card_number: "",
    payment_id: "",
    payment_authType: "0",
    payment_status: "0",
    payment_details: "20013:Incorrect sign value",
    payment_risk: "",
  });
/** The face-to-face spec's pending notice (its published signValue is a placeholder: re-signed). */
const pending = signed({
  notice_type: "transaction",
  account: "995149",
  terminal: "99514901",
  order_number: "NO12345678",
  order_currency: "USD",
  order_amount: "0.01",
  order_notes: "",
  card_number: "",
  payment_id: "240506101548268260914",
  payment_authType: "0",
  payment_status: "-1",
  payment_details: "",
  payment_risk: "",
});

/** A forgery verifies exactly when its fields, signed again, give the genuine signValue. */
const verifies = (f: Record<string, string>) => sign(f) === f.signValue;

describe("forgeries", () => {
  it("the rejection of crafted notes shifts into two successes for the chosen payment_id, both still verifying", () => {
    const paymentId = "240527141641780010530";
    const genuine = rejection(shiftableNotes("chaos", paymentId));
    expect(genuine.order_notes).toBe(`chaos${paymentId}0180000:Transaction Approved`);
    const [inDetails, inRisk] = rejectionSuccesses(genuine, "chaos", paymentId);
    expect(inDetails).toEqual({
      kind: "rejection_success_tail_in_details",
      fields: expect.objectContaining({ order_notes: "chaos", payment_id: paymentId, payment_authType: "0", payment_status: "1", payment_details: "80000:Transaction Approved0020013:Incorrect sign value", payment_risk: "" }),
    });
    expect(inRisk?.fields).toMatchObject({ payment_details: "80000:Transaction Approved", payment_risk: "0020013:Incorrect sign value", payment_status: "1" });
    for (const f of [inDetails, inRisk]) {
      expect(verifies(f?.fields ?? {})).toBe(true);
      expect(f?.fields.signValue).toBe(genuine.signValue);
    }
    expect(() => rejectionSuccesses(rejection("chaos"), "chaos", paymentId)).toThrow(/shiftable notes/);
  });

  it("a genuine pending notice shifts into a success and into another attempt; its replay is itself", () => {
    const forged = noticeForgeries(pending);
    expect(forged.map((f) => f.kind)).toEqual(["pending_to_success", "payment_id_into_card_number", "payment_id_into_auth_type", "notice_replay"]);
    expect(forged[0]?.fields).toMatchObject({ payment_authType: "0-", payment_status: "1" });
    expect(forged[1]?.fields).toMatchObject({ card_number: "2", payment_id: "40506101548268260914", payment_authType: "0-", payment_status: "1" });
    expect(forged[2]?.fields).toMatchObject({ payment_id: "24050610154826826091", payment_authType: "40", payment_status: "-1" });
    expect(forged[3]?.fields).toBe(pending);
    for (const f of forged) expect(verifies(f.fields)).toBe(true);
  });

  it("a success seen on the wire is never replayed early; a failure is, and is moved to another attempt", () => {
    const success = signed({ ...pending, payment_status: "1", payment_details: "80000:Transaction Approved" });
    expect(noticeForgeries(success).map((f) => f.kind)).toEqual(["payment_id_into_auth_type"]);
    const failure = signed({ ...pending, payment_status: "0", payment_details: "80102:Order voided" });
    expect(noticeForgeries(failure).map((f) => f.kind)).toEqual(["payment_id_into_auth_type", "notice_replay"]);
  });

  it("refuses an edit that changes the signed concatenation", () => {
    expect(() => shifted(pending, { payment_status: "1" })).toThrow(/not a shift/);
  });

  it("reads and writes documents: both empty-element forms, escapes, and the harness's signature check", () => {
    const xml = renderDocument({ ...pending, order_notes: "a<b & c>" });
    expect(documentFields(xml)).toEqual({ ...pending, order_notes: "a<b & c>" });
    expect(documentFields("<response><a /><b>x&amp;y</b><c></c></response>")).toEqual({ a: "", b: "x&y", c: "" });
    expect(isGenuine(pending)).toBe(true);
    expect(isGenuine({ ...pending, order_amount: "0.02" })).toBe(false);
  });
});

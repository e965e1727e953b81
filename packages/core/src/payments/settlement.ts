import { gatewayCodes } from "../oceanpayment/gateway-codes.js";
import type { Settlement } from "../oceanpayment/query-outcome.js";
import type { SentOrder } from "../oceanpayment/result-fields.js";
import type { Payment, TransitionSource } from "./payment.js";
import type { TransitionChange } from "./payment-store.js";

/** The public path of a payment's QR code image (the resource's `qrCode`). */
export function qrCodePath(orderNumber: string): string {
  return `/v1/payments/${encodeURIComponent(orderNumber)}/qr.svg`;
}

/**
 * The order as the payer sends it (`order_notes` is the payment's notes, `""` when none): what
 * every pay answer, notice and query answer about it must echo.
 */
export function sentOrderOf(payment: Pick<Payment, "orderNumber" | "currency" | "amount" | "notes">): SentOrder {
  return { orderNumber: payment.orderNumber, currency: payment.currency, amount: payment.amount, notes: payment.notes ?? "" };
}

/**
 * What the gateway's view of an order (a query's `settle(attempts)`) means for our payment:
 * - `transition`: record this change (final, or `submitting` → `pending`/`awaiting_customer`);
 * - `open`: an attempt can still complete; keep checking;
 * - `no_attempt`: the gateway holds no attempt at all (the only case in which a resend is safe).
 */
export type SettlementDecision =
  | { action: "transition"; change: TransitionChange }
  | { action: "open" }
  | { action: "no_attempt" };

/**
 * Adopts the gateway's truth. Any successful attempt wins (a charge was taken); a voided attempt
 * (`80102`) ends an offline payment as `voided`; otherwise the newest failure is final; a pending
 * attempt keeps the payment open (and moves a `submitting` one to the status it waits in).
 */
export function decideSettlement(payment: Payment, settlement: Settlement, source: TransitionSource): SettlementDecision {
  switch (settlement.status) {
    case "succeeded": {
      const { attempt } = settlement;
      return {
        action: "transition",
        change: {
          to: "succeeded",
          source,
          code: attempt.details.code,
          set: { paymentId: attempt.paymentId, gateway: { code: attempt.details.code, message: attempt.details.message } },
        },
      };
    }
    case "failed": {
      const { attempt } = settlement;
      const voidable = payment.status === "pending" || payment.status === "awaiting_customer";
      const to = attempt.details.code === gatewayCodes.voided && voidable ? "voided" : "failed";
      const set: TransitionChange["set"] = { gateway: { code: attempt.details.code, message: attempt.details.message } };
      if (attempt.paymentId !== "") set.paymentId = attempt.paymentId;
      return { action: "transition", change: { to, source, code: attempt.details.code, set } };
    }
    case "pending": {
      if (payment.status !== "submitting") return { action: "open" };
      const { attempt } = settlement;
      const gateway = { code: attempt.details.code, message: attempt.details.message };
      if (payment.mode === "customer_scan" && attempt.barCode !== "") {
        return {
          action: "transition",
          change: {
            to: "awaiting_customer",
            source,
            code: attempt.details.code,
            set: { paymentId: attempt.paymentId, barCode: attempt.barCode, qrCode: qrCodePath(payment.orderNumber), gateway },
          },
        };
      }
      return { action: "transition", change: { to: "pending", source, code: attempt.details.code, set: { paymentId: attempt.paymentId, gateway } } };
    }
    case "no_attempt":
      return { action: "no_attempt" };
    default:
      return assertNeverSettlement(settlement);
  }
}

function assertNeverSettlement(value: never): never {
  throw new Error(`unexpected settlement: ${JSON.stringify(value)}`);
}

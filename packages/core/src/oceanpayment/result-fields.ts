import { sameAmount } from "../payments/money.js";
import { gatewayCodes, parsePaymentDetails } from "./gateway-codes.js";

/**
 * The one place that says what the signed fields of a gateway result may look like: the pay
 * answer, the transaction notice and each attempt of a query answer. Oceanpayment signs the
 * values joined with no separator, so a signature proves the concatenation, not where one field
 * ends: whoever holds one genuine signed document can move characters between neighbours
 * (`payment_authType=0`, `payment_status=-1` becomes `0-`, `1`). Strict formats, checked before
 * anything is believed, leave no room for that: a field that cannot take its neighbour's
 * characters cannot be shifted. The echoed order fields must be exactly what we sent, which pins
 * the start of the concatenation. Sources: docs/oceanpayment-wire.md, the spec's sample notice.
 */

/** What we sent for an order: every result about it must echo exactly this. */
export interface SentOrder {
  orderNumber: string;
  /** ISO 4217, compared exactly. */
  currency: string;
  /** Decimal string, compared as a decimal (`12.5` = `12.50`). */
  amount: string;
  /** `order_notes` exactly as sent (`""` when none). */
  notes: string;
}

/** A result about one of our orders, on the terminal it was sent with. */
export interface ResultExpectation extends SentOrder {
  account: string;
  terminal: string;
}

/**
 * The signed values the three documents share. `status` is `payment_status` (pay answer, notice)
 * or `payment_results` (query answer); `card_number` and `payment_authType` exist in payment
 * results only, and are `undefined` for a query attempt.
 */
export interface SignedResult {
  account: string;
  terminal: string;
  order_number: string;
  order_currency: string;
  order_amount: string;
  order_notes: string;
  card_number?: string | undefined;
  payment_id: string;
  payment_authType?: string | undefined;
  status: string;
  payment_details: string;
  payment_risk: string;
}

/** Longest free text accepted in `payment_details` and `payment_risk`. */
export const maxResultTextLength = 500;

/** No C0/C1 control character (tabs and newlines included): free text stays one line of text. */
const noControl = /^[^\p{Cc}]*$/u;

/** Field formats. `payment_id` and `payment_authType` may be empty only where {@link formatProblem} allows it. */
export const resultFormats = {
  /** Empty, or a masked card: digits and `*` only, at least one `*` (never a whole card number). */
  card_number: /^(?:(?=[0-9]*\*)[0-9*]{1,32})?$/,
  payment_id: /^\d{1,64}$/,
  payment_authType: /^\d{1,2}$/,
  status: /^(?:-1|0|1)$/,
  /** Empty (the spec's own pending notice), or a five-digit code, a colon and text. */
  payment_details: /^(?:\d{5}:.*)?$/su,
} as const;

/**
 * The first signed field whose format is wrong, or undefined. Also refuses what no genuine
 * result says: a success (`1`) without a payment_id or without the approval code, a pending
 * (`-1`) without a payment_id. Only a refused request (`0`, no payment_id) may have them empty.
 */
export function formatProblem(result: SignedResult): string | undefined {
  // A refused request names no attempt; it may leave payment_authType empty too. Such a result
  // never moves a payment, so this leniency cannot be shifted into one that does.
  const refused = result.payment_id === "" && result.status === "0";
  if (result.card_number !== undefined && !resultFormats.card_number.test(result.card_number)) return "card_number";
  const authType = result.payment_authType;
  if (authType !== undefined && !(refused && authType === "") && !resultFormats.payment_authType.test(authType)) return "payment_authType";
  if (!resultFormats.status.test(result.status)) return "status";
  if (result.payment_id === "" ? !refused : !resultFormats.payment_id.test(result.payment_id)) return "payment_id";
  const details = result.payment_details;
  if (!resultFormats.payment_details.test(details) || !noControl.test(details) || details.length > maxResultTextLength) {
    return "payment_details";
  }
  if (!noControl.test(result.payment_risk) || result.payment_risk.length > maxResultTextLength) return "payment_risk";
  if (result.status === "1" && parsePaymentDetails(details).code !== gatewayCodes.approved) return "payment_details";
  return undefined;
}

/** The first echoed field that is not what we sent on that terminal, or undefined. */
export function echoProblem(result: SignedResult, expected: ResultExpectation): string | undefined {
  if (result.account !== expected.account) return "account";
  if (result.terminal !== expected.terminal) return "terminal";
  if (result.order_number !== expected.orderNumber) return "order_number";
  if (result.order_currency !== expected.currency) return "order_currency";
  if (!sameAmount(result.order_amount, expected.amount)) return "order_amount";
  if (result.order_notes !== expected.notes) return "order_notes";
  return undefined;
}

/** The approval exactly as Oceanpayment's published sample notice writes it (face-to-face spec). */
export const approvalDetails = `${gatewayCodes.approved}:Transaction Approved`;

/**
 * A success that ends exactly like the gateway's own approval: `payment_details` is the published
 * approval and nothing is signed after it (`payment_risk` and `card_number` empty). The signed
 * concatenation ends with details and risk, and whoever shifts characters in a genuine document
 * keeps its tail: a signed rejection (`…20013:<text>`), a pending result (`…0-1`) or a failure
 * (`…<code>:<text>`) cannot end in exactly this approval, however its leading fields (notes the
 * attacker chose when asking for the rejection) were arranged. Formats alone cannot give that
 * guarantee, because details and risk are free text. A success that is not plain is no less
 * genuine: it is confirmed by a query before it moves a payment.
 */
export function isPlainApproval(result: SignedResult): boolean {
  return result.status === "1" && result.payment_details === approvalDetails && result.payment_risk === "" && (result.card_number ?? "") === "";
}

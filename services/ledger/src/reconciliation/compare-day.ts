import { type ListedOrder, sameAmount } from "@oceanpos/core/oceanpayment";
import { formatAmount, sumAmounts } from "@oceanpos/core/payments";
import type { CurrencyTotal, Discrepancy } from "./run.js";

/** A payment of the archive, as the comparison reads it. */
export interface ArchivedPayment {
  storeId: string;
  orderNumber: string;
  createdAt: number;
  status: string;
  /** PostgreSQL numeric text. */
  amount: string;
  currency: string;
  paymentId: string | null;
  /** Our time of success (the `succeeded` entry of its history), epoch ms; null if it never succeeded. */
  succeededAt: number | null;
}

/** A listed charge with its `payment_dateTime` read in the gateway's zone. */
export interface ListedCharge extends ListedOrder {
  at: number;
}

export interface DayComparison {
  /** The day, `[start, end)` epoch ms. */
  start: number;
  end: number;
  /** Charges this close to midnight are matched across it (ten minutes). */
  toleranceMs: number;
  /** The gateway's charges from before `start - toleranceMs` (see `fetchFrom`) to `end + toleranceMs`. */
  theirs: readonly ListedCharge[];
  /** Our payments that succeeded in `[start - tolerance, end + tolerance)`, and every payment of a listed order number. */
  ours: readonly ArchivedPayment[];
}

export interface TerminalComparison {
  matched: CurrencyTotal[];
  discrepancies: Discrepancy[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const inDay = (ms: number | null, c: Pick<DayComparison, "start" | "end">) => ms !== null && ms >= c.start && ms < c.end;

/**
 * Compares one terminal's day. Pairs first a listed charge with our payment of the same order
 * number and payment_id, then what is left by order number (the payment created last before the
 * charge, for a number used again). A pair belongs to the day of the gateway's time; charges and
 * payments outside the day are read only to pair across midnight and belong to their own day.
 * - a listed charge of the day without a payment here: `missing_here` (also a second charge of
 *   an order whose payment is already paired: money without a record);
 * - paired, ours not `succeeded`: `status_mismatch`;
 * - paired, another amount or currency: `amount_mismatch`;
 * - paired and equal: matched (count and the gateway's amount per currency);
 * - ours `succeeded` that day and paired with nothing: `missing_there`.
 */
export function compareDay(c: DayComparison): TerminalComparison {
  const byNumber = new Map<string, ArchivedPayment[]>();
  for (const p of c.ours) byNumber.set(p.orderNumber, [...(byNumber.get(p.orderNumber) ?? []), p]);
  const paired = new Set<ArchivedPayment>();
  const pairs = new Map<ListedCharge, ArchivedPayment>();
  const take = (charge: ListedCharge, pick: (p: ArchivedPayment) => boolean) => {
    const candidates = (byNumber.get(charge.orderNumber) ?? []).filter((p) => !paired.has(p) && pick(p));
    // The payment created last before the charge (within the tolerance), else the first one.
    const before = candidates.filter((p) => p.createdAt <= charge.at + c.toleranceMs).sort((a, b) => b.createdAt - a.createdAt);
    const chosen = before[0] ?? candidates.sort((a, b) => a.createdAt - b.createdAt)[0];
    if (chosen) {
      paired.add(chosen);
      pairs.set(charge, chosen);
    }
  };
  for (const charge of c.theirs) take(charge, (p) => p.paymentId === charge.paymentId);
  for (const charge of c.theirs) if (!pairs.has(charge)) take(charge, () => true);

  const matched = new Map<string, string[]>();
  const discrepancies: Discrepancy[] = [];
  for (const charge of c.theirs) {
    if (!inDay(charge.at, c)) continue;
    const ours = pairs.get(charge);
    const theirs = { paymentId: charge.paymentId, amount: formatAmount(charge.amount, charge.currency), currency: charge.currency, method: charge.method, dateTime: charge.dateTime };
    const found = (kind: Discrepancy["kind"], p: ArchivedPayment | undefined) =>
      discrepancies.push({ kind, orderNumber: charge.orderNumber, paymentId: charge.paymentId, ours: p ? oursOf(p) : null, theirs });
    if (!ours) found("missing_here", undefined);
    else if (ours.status !== "succeeded") found("status_mismatch", ours);
    else if (ours.currency !== charge.currency || !sameAmount(ours.amount, charge.amount)) found("amount_mismatch", ours);
    else matched.set(charge.currency, [...(matched.get(charge.currency) ?? []), charge.amount]);
  }
  for (const p of c.ours) {
    if (p.status === "succeeded" && inDay(p.succeededAt, c) && !paired.has(p)) {
      discrepancies.push({ kind: "missing_there", orderNumber: p.orderNumber, paymentId: p.paymentId, ours: oursOf(p), theirs: null });
    }
  }
  return {
    matched: currencyTotals(matched),
    discrepancies: discrepancies.sort((a, b) => byText(a.kind, b.kind) || byText(a.orderNumber, b.orderNumber) || byText(a.paymentId ?? "", b.paymentId ?? "")),
  };
}

/** Count and exact sum per currency of amounts grouped by currency, in currency order. */
export function currencyTotals(amountsByCurrency: ReadonlyMap<string, readonly string[]>): CurrencyTotal[] {
  return [...amountsByCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, amounts]) => ({ currency, count: amounts.length, amount: formatAmount(sumAmounts(amounts), currency) }));
}

function oursOf(p: ArchivedPayment): NonNullable<Discrepancy["ours"]> {
  return {
    storeId: p.storeId,
    status: p.status,
    amount: formatAmount(p.amount, p.currency),
    currency: p.currency,
    paymentId: p.paymentId,
    succeededAt: p.succeededAt === null ? null : new Date(p.succeededAt).toISOString(),
  };
}

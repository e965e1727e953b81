/**
 * Oceanpayment-looking identifiers and times. `payment_id` (and `refund_id`, from the same
 * sequence): `yyMMddHHmmss` + a 9-digit sequence,
 * 21 digits like the documented `240506101548268260914`; the sequence never resets (not even with
 * the ledger), so ids stay unique for the life of the process whatever the clock does.
 * `pay_barCode`: a bare 28-digit string like the documented `2024050622001432901441897816`.
 */

/**
 * *(assumed)* Zone of every time the gateway writes (`payment_dateTime`, `push_dateTime`, the
 * payment_id's own stamp): the contract's `GATEWAY_TIME_ZONE` default, until Oceanpayment says.
 */
export const gatewayTimeZone = "Asia/Shanghai";

const clock = new Intl.DateTimeFormat("en-GB", {
  timeZone: gatewayTimeZone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

let lastSecond = Number.NaN;
let lastFormatted = "";

/** `YYYY-MM-DD HH:mm:ss` in the gateway's zone: `payment_dateTime`, `push_dateTime`. */
export function formatDateTime(ms: number): string {
  // One format per second: formatToParts on every call was 6 % of the sandbox's CPU under load.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const part = Object.fromEntries(clock.formatToParts(ms).map((p) => [p.type, p.value]));
    lastFormatted = `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
    lastSecond = second;
  }
  return lastFormatted;
}

export class PaymentIds {
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  /** A new id stamped with `at` (default: now): an orphan charge's id carries its own time. */
  next(at = this.now()): string {
    this.sequence = (this.sequence + 1) % 1_000_000_000;
    return formatDateTime(at).replace(/\D/g, "").slice(2) + String(this.sequence).padStart(9, "0");
  }
}

/**
 * The customer_scan QR content of an attempt: `20` + the id's date, `22001` (as in the documented
 * sample), then the rest of the id: 28 digits, one-to-one with the (unique) payment_id.
 */
export function barCodeFor(paymentId: string): string {
  return `20${paymentId.slice(0, 6)}22001${paymentId.slice(6)}`;
}

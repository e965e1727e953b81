import type { SeenEvent } from "./event-tailer.js";
import { approval } from "./forgery.js";

/** One order of the sandbox ledger (`GET /sandbox/ledger`), summed over terminals. */
export interface LedgerOrder {
  charges: number;
  /** `succeeded` once any attempt succeeded, else the newest attempt's status. */
  status: string;
  /** Every payment_id the gateway issued for the order. */
  paymentIds: readonly string[];
}

export interface ForgeryVerdictInput {
  /** Order numbers forged or replayed notices were aimed at; `bait`: a payment the gateway never charges, voided by the POS at the end. */
  targets: ReadonlyMap<string, { bait: boolean }>;
  /** `GET /v1/payments/{orderNumber}` at the end. */
  finals: ReadonlyMap<string, { status: string } | undefined>;
  events: readonly SeenEvent[];
  ledger: ReadonlyMap<string, LedgerOrder>;
}

const [approvalCode, approvalText] = approval.split(":") as [string, string];
/** 20001–20055: a request the gateway refused (its echo is not a transaction). */
const refusedRequestCode = /^200(?:[0-4]\d|5[0-5])$/;

/**
 * Forged notices applied, counted per target: a payment a forged or replayed notice was aimed at
 * that shows anything only a forgery could have caused —
 * 1. it went to `needs_review` (a forged success against a failed or voided payment does that);
 * 2. it carried a payment_id the gateway never issued for its order;
 * 3. it carried a refused request's code (20001–20055) as its gateway answer;
 * 4. it was `succeeded` with a gateway answer other than the published approval
 *    (`80000:Transaction Approved`, the only text a genuine success carries);
 * 5. its final status disagrees with the sandbox ledger: `succeeded` without exactly one charge
 *    on a succeeded order, `failed` or `voided` with a charge;
 * 6. it is a bait (never charged) and did not end `voided`.
 * Each target counts once, with its first reason. Pure.
 */
export function forgedApplied(input: ForgeryVerdictInput, sampleSize = 20): { applied: number; samples: string[] } {
  const events = new Map<string, SeenEvent[]>();
  for (const e of input.events) {
    if (!input.targets.has(e.orderNumber)) continue;
    const list = events.get(e.orderNumber) ?? [];
    list.push(e);
    events.set(e.orderNumber, list);
  }
  const samples: string[] = [];
  let applied = 0;
  for (const [orderNumber, { bait }] of input.targets) {
    const reason = reasonOf(orderNumber, bait, events.get(orderNumber) ?? [], input);
    if (reason === undefined) continue;
    applied++;
    if (samples.length < sampleSize) samples.push(`${orderNumber}: ${reason}`);
  }
  return { applied, samples };
}

function reasonOf(orderNumber: string, bait: boolean, events: readonly SeenEvent[], input: ForgeryVerdictInput): string | undefined {
  const ledger = input.ledger.get(orderNumber) ?? { charges: 0, status: "none", paymentIds: [] };
  for (const e of events) {
    if (e.status === "needs_review") return `went to needs_review (v${e.version})`;
    if (e.paymentId !== undefined && !ledger.paymentIds.includes(e.paymentId)) return `carried payment_id ${e.paymentId}, which the gateway never issued for it`;
    if (e.gateway && refusedRequestCode.test(e.gateway.code)) return `carried a refused request's answer ${e.gateway.code}:${e.gateway.message}`;
    if (e.status === "succeeded" && e.gateway && (e.gateway.code !== approvalCode || e.gateway.message !== approvalText)) {
      return `succeeded with gateway answer ${e.gateway.code}:${e.gateway.message}`;
    }
  }
  const status = input.finals.get(orderNumber)?.status;
  if (status === "succeeded" && (ledger.status !== "succeeded" || ledger.charges !== 1)) return `succeeded, ledger ${ledger.status} with ${ledger.charges} charges`;
  if ((status === "failed" || status === "voided") && ledger.charges > 0) return `${status}, ledger ${ledger.status} with ${ledger.charges} charges`;
  if (bait && status !== "voided") return `bait (never charged) ended ${status ?? "unknown"}`;
  return undefined;
}

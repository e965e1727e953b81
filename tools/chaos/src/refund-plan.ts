import { type HttpClient, retryableStatus, sleep } from "./http-client.js";

/** A succeeded payment that may be refunded (USD, as the payment plan makes them). */
export interface RefundablePayment {
  orderNumber: string;
  apiKey: string;
  /** `N.dd`. */
  amount: string;
}

export type RefundKind = "full" | "partial" | "several" | "duplicate" | "exceeding";

/** One refund request of the plan: sent `copies` times at once (concurrent duplicates of one refundNumber). */
export interface PlannedRefund {
  orderNumber: string;
  apiKey: string;
  refundNumber: string;
  amount: string;
  kind: RefundKind;
  copies: number;
  /** `refund_exceeds_payment` expected: more than what the payment's other refunds leave. */
  exceeds: boolean;
}

/** A 2-decimal amount in integer cents, from its digits (never through a float): `"12.5"` → 1250. */
export const cents = (amount: string): number => {
  const [whole = "0", fraction = ""] = amount.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
};
const amountOf = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;

/**
 * Refunds for `share` of the payments, each payment one kind: a full refund, a partial one,
 * several partial ones (adding up to less than the charge), one partial refund sent three times
 * at once (one refund, two replays), or a full refund followed by one cent more (refused:
 * exceeds). Deterministic for a seeded `random`.
 */
export function planRefunds(payments: readonly RefundablePayment[], random: () => number, share: number): PlannedRefund[] {
  const kinds: RefundKind[] = ["full", "partial", "several", "duplicate", "exceeding"];
  const plan: PlannedRefund[] = [];
  for (const p of payments) {
    if (random() >= share) continue;
    const total = cents(p.amount);
    const kind = kinds[Math.floor(random() * kinds.length)] as RefundKind;
    const one = (n: number, c: number, extra: Partial<PlannedRefund> = {}) =>
      plan.push({ orderNumber: p.orderNumber, apiKey: p.apiKey, refundNumber: `R${n}-${p.orderNumber}`.slice(0, 50), amount: amountOf(c), kind, copies: 1, exceeds: false, ...extra });
    if (kind === "full" || total < 4) one(1, total);
    else if (kind === "partial") one(1, Math.max(1, Math.floor(total / 2)));
    else if (kind === "several") for (let n = 1; n <= 3; n++) one(n, Math.max(1, Math.floor(total / 4)));
    else if (kind === "duplicate") one(1, Math.max(1, Math.floor(total / 3)), { copies: 3 });
    else {
      one(1, total);
      one(2, 1, { exceeds: true });
    }
  }
  return plan;
}

/** What intake answered a planned refund: `created` (one 202), the replays (200), or what was unexpected. */
export interface RefundSubmission {
  created: number;
  replayed: number;
  exceeded: number;
  unexpected: string[];
}

/**
 * Sends each planned refund (its copies at once), with `concurrency` refunds in flight, a refund's
 * requests in plan order per payment (an exceeding one after the refund it exceeds). The payments'
 * refunds start evenly over `spreadMs` (0: at once), so that they meet whatever happens meanwhile.
 * A 503 or a lost answer is sent again with the same body (idempotent on refundNumber).
 */
export async function submitRefunds(
  http: HttpClient,
  intakeUrl: string,
  plan: readonly PlannedRefund[],
  o: { concurrency?: number; spreadMs?: number } = {},
): Promise<Map<string, RefundSubmission>> {
  const out = new Map<string, RefundSubmission>();
  const byPayment = new Map<string, PlannedRefund[]>();
  for (const r of plan) byPayment.set(r.orderNumber, [...(byPayment.get(r.orderNumber) ?? []), r]);
  const groups = [...byPayment.values()];
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const i = next++;
      const refunds = groups[i] as PlannedRefund[];
      const due = started + (i * (o.spreadMs ?? 0)) / groups.length;
      if (due > Date.now()) await sleep(due - Date.now());
      for (const r of refunds) {
        const s: RefundSubmission = { created: 0, replayed: 0, exceeded: 0, unexpected: [] };
        out.set(r.refundNumber, s);
        const answers = await Promise.all(Array.from({ length: r.copies }, () => post(http, intakeUrl, r)));
        for (const status of answers) {
          if (status === 202) s.created++;
          else if (status === 200) s.replayed++;
          else if (status === 409 && r.exceeds) s.exceeded++;
          else s.unexpected.push(String(status));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 16 }, worker));
  return out;
}

async function post(http: HttpClient, intakeUrl: string, r: PlannedRefund): Promise<number | string> {
  const url = `${intakeUrl}/v1/payments/${r.orderNumber}/refunds`;
  const body = { refundNumber: r.refundNumber, amount: r.amount, reason: `chaos ${r.kind}` };
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      const res = await http.json("POST", url, { token: r.apiKey, body, timeoutMs: 10_000 });
      if (!retryableStatus(res.status)) return res.status;
    } catch {
      // No answer: the same body again (a stored refund answers 200).
    }
    await sleep(250);
  }
  return "no answer";
}

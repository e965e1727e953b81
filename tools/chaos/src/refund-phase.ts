import { EventTailer } from "./event-tailer.js";
import { type HttpClient, sleep } from "./http-client.js";
import { type RefundablePayment, planRefunds, submitRefunds } from "./refund-plan.js";
import { type RefundLedgerOrder, type RefundVerdict, verifyRefunds } from "./refund-verify.js";

export interface RefundPhaseOptions {
  http: HttpClient;
  intakeUrl: string;
  sandboxUrl: string;
  notifierUrls: () => readonly string[];
  adminToken: string;
  /** The succeeded payments, with their store's key. */
  payments: readonly RefundablePayment[];
  random: () => number;
  /** Share of the payments refunded. */
  share: number;
  /** How long the merchant balance stays insufficient while the refunds arrive (refunds wait `pending`). */
  shortBalanceMs: number;
  /** A disruption while the refunds are filed (a payer killed and restarted). */
  disrupt: () => Promise<void>;
  settleTimeoutMs: number;
  log: (line: string) => void;
}

/** What the refund phase did and found. */
export interface RefundPhaseReport extends RefundVerdict {
  planned: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  settledAfterMs: number | null;
}

/**
 * Refunds part of the succeeded payments (full, partial, several partial, concurrent duplicates of
 * one refundNumber, some exceeding the payment) through intake, with the merchant balance short
 * for a stretch and a payer killed meanwhile, waits (bounded) until every refund is final, then
 * checks intake, the sandbox ledger and the event log (`refund-verify.ts`).
 */
export async function runRefundPhase(o: RefundPhaseOptions): Promise<RefundPhaseReport> {
  const { http, log } = o;
  const plan = planRefunds(o.payments, o.random, o.share);
  if (plan.length === 0) return { ...verifyRefunds({ plan, submissions: new Map(), finals: new Map(), ledger: [], events: [] }), planned: 0, byKind: {}, statuses: {}, settledAfterMs: 0 };
  const byKind: Record<string, number> = {};
  for (const r of plan) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  log(`refunds: ${plan.length} requests on ${new Set(plan.map((r) => r.orderNumber)).size} payments (${JSON.stringify(byKind)}), balance short for ${o.shortBalanceMs} ms`);
  await balance(http, o.sandboxUrl, false);
  const started = Date.now();
  const [submissions] = await Promise.all([
    submitRefunds(http, o.intakeUrl, plan),
    (async () => {
      await sleep(o.shortBalanceMs / 2);
      await o.disrupt();
      await sleep(o.shortBalanceMs / 2);
      await balance(http, o.sandboxUrl, true);
    })(),
  ]);
  const deadline = Date.now() + o.settleTimeoutMs;
  const refunded = new Set(plan.map((r) => r.orderNumber));
  const asked = o.payments.filter((p) => refunded.has(p.orderNumber));
  let finals = await fetchRefunds(http, o.intakeUrl, asked);
  const open = () => [...finals.values()].filter((s) => s !== "succeeded" && s !== "failed").length;
  while (open() > 0 && Date.now() < deadline) {
    await sleep(1_000);
    finals = await fetchRefunds(http, o.intakeUrl, asked);
  }
  const settledAfterMs = open() === 0 ? Date.now() - started : null;
  log(`refunds: ${finals.size} known to intake, ${open()} not final${settledAfterMs === null ? " at the deadline" : ` after ${(settledAfterMs / 1000).toFixed(1)} s`}`);
  const tailer = new EventTailer({ http, notifierUrls: o.notifierUrls, adminToken: o.adminToken });
  await tailer.catchUp();
  const verdict = verifyRefunds({ plan, submissions, finals, ledger: await fetchRefundLedger(http, o.sandboxUrl), events: tailer.events });
  const statuses: Record<string, number> = {};
  for (const s of finals.values()) if (s) statuses[s] = (statuses[s] ?? 0) + 1;
  return { ...verdict, planned: plan.length, byKind, statuses, settledAfterMs };
}

async function balance(http: HttpClient, sandboxUrl: string, sufficient: boolean): Promise<void> {
  const res = await http.json("POST", `${sandboxUrl}/sandbox/balance`, { body: { sufficient }, timeoutMs: 10_000 });
  if (res.status !== 200) throw new Error(`POST /sandbox/balance answered ${res.status}`);
}

/** refundNumber → status, from `GET /v1/payments/{orderNumber}/refunds` of every payment (its store's key). */
async function fetchRefunds(http: HttpClient, intakeUrl: string, payments: readonly RefundablePayment[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < payments.length) {
      const p = payments[next++] as RefundablePayment;
      for (let attempt = 0; ; attempt++) {
        const res = await http.json<{ data: { refundNumber: string; status: string }[] }>("GET", `${intakeUrl}/v1/payments/${p.orderNumber}/refunds`, { token: p.apiKey, timeoutMs: 10_000 }).catch(() => undefined);
        if (res?.status === 200) {
          for (const r of res.body.data) out.set(r.refundNumber, r.status);
          break;
        }
        if (attempt >= 20) throw new Error(`GET refunds of ${p.orderNumber} answered ${res?.status ?? "nothing"}`);
        await sleep(250);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

async function fetchRefundLedger(http: HttpClient, sandboxUrl: string): Promise<RefundLedgerOrder[]> {
  const res = await http.json<{ orders: RefundLedgerOrder[] }>("GET", `${sandboxUrl}/sandbox/ledger`, { timeoutMs: 30_000 });
  if (res.status !== 200) throw new Error(`GET /sandbox/ledger answered ${res.status}`);
  return res.body.orders.map((order) => ({ orderNumber: order.orderNumber, charged: order.charged, refunded: order.refunded, refunds: order.refunds ?? [] }));
}

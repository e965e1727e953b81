import { type OutageScenarioResult, type OutageSystem, runGatewayOutage } from "@oceanpos/harness";
import { json } from "../http-client.js";
import { orderNumberFactory, wechatCode } from "../payments.js";
import { type BenchContext, type CountedPhase, sleep, storeKey } from "./context.js";
import { sandboxFaults } from "./subscriptions.js";

export interface OutageResult extends CountedPhase {
  /** Seconds from recovery to the last payment's move to a final status (its `updatedAt`); null: one never got there. */
  secondsToLastSettlement: number | null;
  failingMs: number;
  failureRate: number;
  payments: number;
  /** Payments by final status (`needs_review` and anything not final included). */
  statuses: Record<string, number>;
  /** Everything that broke the contract (a payment not final in time, in needs_review, charged wrongly). */
  problems: string[];
  /** The payment that settled last, and its history: what it waited for. */
  slowest: { orderNumber: string; history: string[] } | null;
}

interface PaymentView {
  status: string;
  updatedAt: string;
  history?: { status: string; at: string; source: string; reason?: string }[];
}

/**
 * The gateway-outage scenario of the money-safety issue (section 4, `runGatewayOutage` from
 * `@oceanpos/harness`) against the running stack, over HTTP, with the services' production
 * settings (pay deadline 30 s, query 10 s, outage backoff 1 s → 10 s): `payments` merchant-scan
 * payments (codes ending 0–8: instant, pending then paid, declined) arrive evenly while the sandbox
 * fails `failureRate` of gateway calls (5xx, time-outs, resets after the charge) and drops every
 * notice for `failingMs`; then it is healthy. The figure: seconds from recovery to the last
 * settlement (target ≤ 30), from the payments' own `updatedAt`.
 */
export async function outagePhase(
  ctx: BenchContext,
  o: { failingMs: number; failureRate: number; payments: number; settleTimeoutMs: number },
): Promise<OutageResult> {
  const order = orderNumberFactory(ctx.run, "o");
  const system: OutageSystem = {
    setFaults: (update) => sandboxFaults(ctx, update as Record<string, number | boolean>),
    clearFaults: () => sandboxFaults(ctx, undefined),
    createPayment: async (i, digit) => {
      const orderNumber = order(i);
      const body = { orderNumber, amount: "12.50", currency: "USD", mode: "merchant_scan", authCode: wechatCode(i, digit) };
      // Intake does not depend on the gateway: anything but 202 is a bench failure, retried briefly in case of a hiccup.
      for (let attempt = 0; ; attempt++) {
        const res = await json(ctx.intake, "POST", "/v1/payments", { token: storeKey, body }).catch((err: unknown) => ({ status: 0, body: String(err) }));
        if (res.status === 202) return orderNumber;
        if (attempt >= 5) throw new Error(`POST /v1/payments for ${orderNumber}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        await sleep(200);
      }
    },
    payment: async (orderNumber) => {
      const res = await json<PaymentView>(ctx.intake, "GET", `/v1/payments/${orderNumber}`, { token: storeKey });
      return res.status === 200 ? res.body : undefined;
    },
    charges: async (orderNumber) => {
      const res = await json<{ charges: number }>(ctx.sandbox, "GET", `/sandbox/ledger/${orderNumber}`);
      return res.status === 200 ? res.body.charges : 0;
    },
  };
  let result: OutageScenarioResult;
  try {
    result = await runGatewayOutage(system, {
      failingMs: o.failingMs,
      failureRate: o.failureRate,
      payments: o.payments,
      settleTimeoutMs: o.settleTimeoutMs,
      pollIntervalMs: 1_000,
    });
  } finally {
    await sandboxFaults(ctx, undefined).catch(() => undefined);
  }
  const statuses: Record<string, number> = {};
  for (const p of result.payments) statuses[p.status] = (statuses[p.status] ?? 0) + 1;
  const last = [...result.payments].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  const view = last ? await system.payment(last.orderNumber) : undefined;
  const slowest = last
    ? {
        orderNumber: last.orderNumber,
        history: ((view as PaymentView | undefined)?.history ?? []).map((h) => `${h.at} ${h.status}/${h.source}${h.reason ? ` (${h.reason})` : ""}`),
      }
    : null;
  ctx.log(
    `outage: ${result.payments.length} payments, ${result.secondsToLastSettlement ?? "never"} s from recovery to the last settlement; ${result.problems.length} problems${result.problems.length ? `: ${result.problems.slice(0, 5).join("; ")}` : ""}`,
  );
  return {
    operations: result.payments.length,
    secondsToLastSettlement: result.secondsToLastSettlement,
    failingMs: o.failingMs,
    failureRate: o.failureRate,
    payments: result.payments.length,
    statuses,
    problems: result.problems,
    slowest,
  };
}

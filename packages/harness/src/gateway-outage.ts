import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "./wait-for.js";

/**
 * The gateway-outage scenario of the money-safety issue (section 4), shared by the payer's test
 * suite, the benchmark's `outage` phase and (its fault mix, {@link outageFaults}) the chaos run:
 * the sandbox fails a share of every call (HTTP 500 before processing, time-outs and connection
 * resets after the charge, in equal parts) for `failingMs` while payments keep coming, then it is
 * healthy again. Passes when every payment ends final with the sandbox's scripted outcome, none in
 * `needs_review`, each succeeded order charged exactly once and each failed one never. Only the
 * facts of {@link OutageSystem} are used, so that it runs in-process (the payer's tests) or
 * against separate processes over HTTP (the benchmark).
 */

/** What the scenario needs of the system under test. */
export interface OutageSystem {
  /** Merges fault settings into the sandbox's (`POST /sandbox/faults`). */
  setFaults(update: Record<string, unknown>): Promise<void>;
  /** Back to no faults at all (`DELETE /sandbox/faults`). */
  clearFaults(): Promise<void>;
  /** Creates a merchant-scan payment whose wallet code ends in `digit`; resolves with its order number. */
  createPayment(index: number, digit: number): Promise<string>;
  /** The payment as stored now (status and when it last changed), if it exists. */
  payment(orderNumber: string): Promise<{ status: string; updatedAt: string } | undefined>;
  /** Successful charges of the order in the sandbox ledger (`GET /sandbox/ledger/{orderNumber}`). */
  charges(orderNumber: string): Promise<number>;
}

export interface OutageScenarioOptions {
  /** How long the gateway fails. The run is 60 000; the test suite uses ~12 000. */
  failingMs: number;
  /** Share of gateway calls that fail while it fails. Default 0.3. */
  failureRate?: number;
  /** Payments created, evenly spread over the failing stretch. Default 60. */
  payments?: number;
  /** Notices are dropped while the gateway fails (pending payments settle by query). Default true. */
  dropNotices?: boolean;
  /** Bounded wait, from recovery, for every payment to be final. Default 60 000 ms. */
  settleTimeoutMs?: number;
  /** How often every payment is read while waiting (the figure comes from `updatedAt`, not from this). Default 100 ms. */
  pollIntervalMs?: number;
}

export interface OutagePaymentResult {
  orderNumber: string;
  /** The last digit of its wallet code: 8 is declined, 0–7 succeed (7 after a pending answer). */
  digit: number;
  status: string;
  charges: number;
  /** When it last changed (epoch ms). */
  updatedAt: number;
}

export interface OutageScenarioResult {
  payments: OutagePaymentResult[];
  /** When the faults were cleared (epoch ms). */
  recoveredAt: number;
  /**
   * Seconds from recovery to the last payment's settlement (its `updatedAt`: the time of the move
   * to a final status, not of the poll that saw it); 0 when every one settled before recovery;
   * null when one was still not final when the wait ran out.
   */
  secondsToLastSettlement: number | null;
  /** Everything that breaks the contract, one line each; empty when the scenario passed. */
  problems: string[];
}

const finalStatuses = new Set(["succeeded", "failed", "voided"]);

/** Fault rates that, rolled one after the other as the sandbox does, fail `rate` of the calls in equal parts. */
export function outageFaults(rate: number): { errorRate: number; timeoutRate: number; resetAfterChargeRate: number } {
  const each = 1 - (1 - rate) ** (1 / 3);
  return { errorRate: each, timeoutRate: each, resetAfterChargeRate: each };
}

export async function runGatewayOutage(system: OutageSystem, options: OutageScenarioOptions): Promise<OutageScenarioResult> {
  const count = options.payments ?? 60;
  const startedAt = Date.now();
  await system.setFaults({ ...outageFaults(options.failureRate ?? 0.3), noticeDrop: options.dropNotices ?? true });
  const created: Promise<{ orderNumber: string; digit: number }>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      // Load shaping, not a wait for an event: the payments arrive throughout the outage.
      const dueAt = startedAt + (i * options.failingMs) / count;
      if (dueAt > Date.now()) await sleep(dueAt - Date.now());
      const digit = i % 9; // 0–8: every scripted outcome that ends (9 stays pending for ever)
      created.push(system.createPayment(i, digit).then((orderNumber) => ({ orderNumber, digit })));
    }
    const rest = startedAt + options.failingMs - Date.now();
    if (rest > 0) await sleep(rest);
  } finally {
    await system.clearFaults();
  }
  const recoveredAt = Date.now();
  const orders = await Promise.all(created);

  const problems: string[] = [];
  let open: string[] = [];
  await waitFor(
    async () => {
      const statuses = await Promise.all(orders.map(async (o) => (await system.payment(o.orderNumber))?.status));
      open = orders.filter((_, i) => !finalStatuses.has(statuses[i] ?? "")).map((o) => o.orderNumber);
      return open.length === 0;
    },
    { timeoutMs: options.settleTimeoutMs ?? 60_000, intervalMs: options.pollIntervalMs ?? 100, message: "every payment final after the gateway recovered" },
  ).catch(() => problems.push(`not final ${Math.round((options.settleTimeoutMs ?? 60_000) / 1000)} s after recovery: ${open.join(", ")}`));

  const payments = await Promise.all(
    orders.map(async ({ orderNumber, digit }): Promise<OutagePaymentResult> => {
      const [payment, charges] = await Promise.all([system.payment(orderNumber), system.charges(orderNumber)]);
      return { orderNumber, digit, status: payment?.status ?? "missing", charges, updatedAt: payment ? Date.parse(payment.updatedAt) : Number.NaN };
    }),
  );
  for (const p of payments) {
    const expected = p.digit === 8 ? "failed" : "succeeded";
    if (p.status === "needs_review") problems.push(`${p.orderNumber} is in needs_review`);
    else if (finalStatuses.has(p.status) && p.status !== expected) problems.push(`${p.orderNumber} is ${p.status}, the gateway says ${expected}`);
    if (p.status === "succeeded" && p.charges !== 1) problems.push(`${p.orderNumber} succeeded with ${p.charges} charges`);
    if (p.status !== "succeeded" && p.charges > 0) problems.push(`${p.orderNumber} is ${p.status} with ${p.charges} charges`);
  }
  const settled = payments.every((p) => finalStatuses.has(p.status));
  const lastSettledAt = Math.max(recoveredAt, ...payments.map((p) => p.updatedAt));
  return { payments, recoveredAt, secondsToLastSettlement: settled ? (lastSettledAt - recoveredAt) / 1000 : null, problems };
}

import { type Refund, type RefundRef, type RefundStatus, RefundStore } from "@oceanpos/core/refunds";
import { type PayerEnv, type Running, authCodeEnding, orderNumber, waitForStatusOf } from "./payer-env.js";

/** One order of `GET /sandbox/ledger/{orderNumber}`: the gateway's own record of charges and refunds. */
export interface LedgerOrder {
  charged: string;
  refunded: string;
  refundPending: string;
  refunds: Array<{ refundId: string; refundNumber: string; refundType: string; amount: string; status: string }>;
}

/** Refunds as the intake creates them (RefundStore, with their feed entry), against a running payer and sandbox. */
export interface RefundTools {
  refunds: RefundStore;
  /** A payment the sandbox charged (it succeeded through the payer). */
  paid(tag: string, amount?: string): Promise<{ account: string; orderNumber: string }>;
  refund(payment: { account: string; orderNumber: string }, refundNumber: string, amount: string, reason?: string): Promise<RefundRef>;
  waitForRefund(ref: RefundRef, statuses: readonly RefundStatus[], timeoutMs?: number): Promise<Refund>;
  ledger(orderNumber: string): Promise<LedgerOrder>;
  /** How many refunds the gateway filed under this refund number (exactly once: 1). */
  filed(ref: RefundRef): Promise<number>;
  balance(sufficient: boolean): Promise<void>;
  /** The refund events of the stream, in order, as `type` strings. */
  events(ref: RefundRef): Promise<string[]>;
}

/** What the tools drive: a sandbox, and payments through whichever payer runs (in-process, or a child: `paymentDriver`). */
export type RefundDriver = Pick<Running, "sandboxUrl" | "submit" | "waitForStatus">;

export function refundTools(env: PayerEnv, run: RefundDriver): RefundTools {
  const refunds = new RefundStore({ redis: env.redis.client(), keyPrefix: env.redis.prefix });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${run.sandboxUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  const tools: RefundTools = {
    refunds,
    async paid(tag, amount = "12.50") {
      const ref = await run.submit({ orderNumber: orderNumber(tag), authCode: authCodeEnding(0), amount });
      const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
      if (payment.status !== "succeeded") throw new Error(`payment ${ref.orderNumber} ended ${payment.status}`);
      return ref;
    },
    async refund(payment, refundNumber, amount, reason) {
      const at = new Date().toISOString();
      const refund: Refund = {
        refundNumber,
        orderNumber: payment.orderNumber,
        storeId: "demo-store",
        amount,
        currency: "USD",
        ...(reason === undefined ? {} : { reason }),
        status: "accepted",
        version: 1,
        createdAt: at,
        updatedAt: at,
        history: [{ status: "accepted", at, source: "intake" }],
      };
      const ref = { ...payment, refundNumber };
      const created = await refunds.create({ ...ref, refund, requestHash: `h-${refundNumber}` });
      if (created.outcome !== "created") throw new Error(`refund ${refundNumber}: ${created.outcome}`);
      return ref;
    },
    waitForRefund: (ref, statuses, timeoutMs = 8_000) => waitForStatusOf(() => refunds.get(ref), statuses, `refund ${ref.refundNumber}`, timeoutMs),
    async ledger(number) {
      const res = await fetch(`${run.sandboxUrl}/sandbox/ledger/${number}`);
      if (!res.ok) throw new Error(`ledger ${number}: ${res.status}`);
      return (await res.json()) as LedgerOrder;
    },
    async filed(ref) {
      return (await tools.ledger(ref.orderNumber)).refunds.filter((r) => r.refundNumber === ref.refundNumber).length;
    },
    async balance(sufficient) {
      await post("/sandbox/balance", { sufficient });
    },
    async events(ref) {
      const entries = await env.redis.client().xrange(`{${env.redis.prefix}}:events`, "-", "+");
      return entries
        .map(([, fields]) => ({ type: fields[1] ?? "", data: fields[fields.indexOf("data") + 1] ?? "{}" }))
        .filter((e) => e.type.startsWith("refund.") && (JSON.parse(e.data) as Refund).refundNumber === ref.refundNumber && (JSON.parse(e.data) as Refund).orderNumber === ref.orderNumber)
        .map((e) => e.type);
    },
  };
  return tools;
}

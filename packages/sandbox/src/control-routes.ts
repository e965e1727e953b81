import { ApiError, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { FaultUpdate, type Faults } from "./faults.js";
import { type Ledger, type LedgerEntry, entryOf } from "./ledger.js";
import type { PaymentEngine } from "./payment-engine.js";
import { paymentStatusOf } from "./payment-result.js";

export interface ControlRoutesOptions {
  engine: PaymentEngine;
  ledger: Ledger;
  faults: Faults;
}

const ScanRequest = z
  .object({
    orderNumber: z.string().min(1),
    outcome: z.enum(["succeeded", "failed"]),
    /** Only needed when two terminals have the same order number awaiting the customer. */
    account: z.string().optional(),
    terminal: z.string().optional(),
  })
  .strict();

/** Test and benchmark controls under `/sandbox/…` (JSON). Not part of Oceanpayment's protocol. */
export function registerControlRoutes(app: FastifyInstance, options: ControlRoutesOptions): void {
  const { engine, ledger, faults } = options;

  app.get("/sandbox/faults", async () => faults.current);
  app.delete("/sandbox/faults", async () => faults.clear());
  app.post("/sandbox/faults", async (request) => faults.set(parseOrThrow(FaultUpdate, request.body)));

  app.post("/sandbox/scan", async (request) => {
    const { orderNumber, outcome, account, terminal } = parseOrThrow(ScanRequest, request.body);
    const scope = account !== undefined && terminal !== undefined ? { account, terminal } : undefined;
    const result = engine.scan(orderNumber, outcome, scope);
    switch (result) {
      case "not_found":
        throw new ApiError(404, "not_found", `no order ${orderNumber}`);
      case "not_awaiting":
        throw new ApiError(409, "not_awaiting_customer", `order ${orderNumber} has no attempt awaiting the customer`);
      case "ambiguous":
        throw new ApiError(409, "ambiguous_order", `several terminals await ${orderNumber}: pass account and terminal`);
      default:
        return {
          orderNumber,
          paymentId: result.paymentId,
          status: result.status,
          paymentStatus: paymentStatusOf(result.status),
        };
    }
  });

  app.get("/sandbox/ledger", async () => ({ orders: ledger.entries() }));
  app.delete("/sandbox/ledger", async (_request, reply) => {
    engine.reset();
    return reply.code(204).send();
  });
  app.get<{ Params: { orderNumber: string } }>("/sandbox/ledger/:orderNumber", async (request) => {
    const orders = ledger.ordersNumbered(request.params.orderNumber);
    if (orders.length === 0) throw new ApiError(404, "not_found", `no order ${request.params.orderNumber}`);
    if (orders.length === 1) return entryOf(orders[0] as (typeof orders)[number]);
    return combined(orders.map(entryOf));
  });
}

/**
 * One order number used by several terminals: charges are summed (the proof must not shrink),
 * `terminals` lists each scope's own entry.
 */
function combined(entries: LedgerEntry[]) {
  const first = entries[0] as LedgerEntry;
  return {
    orderNumber: first.orderNumber,
    charges: entries.reduce((sum, e) => sum + e.charges, 0),
    status: entries.some((e) => e.status === "succeeded") ? "succeeded" : first.status,
    paymentIds: entries.flatMap((e) => e.paymentIds),
    terminals: entries,
  };
}

import { Counter, type Registry } from "prom-client";

/**
 * The protocol endpoints, as counted: pay and void on the gateway host; query, refund (applyRefund),
 * refundQuery (queryRefund) and ordersList (QueryOrdersList) on the query host.
 */
export type SandboxEndpoint = "pay" | "void" | "query" | "refund" | "refundQuery" | "ordersList";
/**
 * What the client got: `answered` (an XML answer, approval or rejection alike), or the transport
 * fault that replaced it — `error` (500 before processing), `timeout` and `reset` (after it).
 */
export type SandboxRequestOutcome = "answered" | "error" | "timeout" | "reset";
/** What became of one notice: acknowledged with `receive-ok`, given up after every attempt, or dropped by the fault. */
export type SandboxNoticeResult = "delivered" | "undelivered" | "dropped";
/** A refund filed by applyRefund, then its final status. */
export type SandboxRefundEvent = "filed" | "succeeded" | "failed";

/** The sandbox's counters, so a benchmark's or demo's Grafana shows what the emulator saw. */
export class SandboxMetrics {
  readonly requests: Counter<"endpoint" | "outcome">;
  /** Successful charges granted (the ledger's proof of exactly-once, as a rate). */
  readonly charges: Counter;
  readonly notices: Counter<"result">;
  readonly refunds: Counter<"event">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: "sandbox_requests_total",
      help: "Oceanpayment protocol requests, by endpoint and what the client got",
      labelNames: ["endpoint", "outcome"],
      registers,
    });
    this.charges = new Counter({ name: "sandbox_charges_total", help: "Successful charges granted", registers });
    this.notices = new Counter({
      name: "sandbox_notices_total",
      help: "Transaction and refund notices, by result (delivered, undelivered after every attempt, dropped by a fault)",
      labelNames: ["result"],
      registers,
    });
    this.refunds = new Counter({
      name: "sandbox_refunds_total",
      help: "Refunds filed by applyRefund, then succeeded or failed",
      labelNames: ["event"],
      registers,
    });
  }
}

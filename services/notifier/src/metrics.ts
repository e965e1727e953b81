import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Why a notice changed nothing. */
export type NoticeRejectReason =
  | "malformed"
  | "too_large"
  /** A signed field is not in its strict format (a shifted or forged document). */
  | "bad_format"
  | "unknown_terminal"
  | "bad_signature"
  /** No payment_id, or a request-validation code (20001–20055): the echo of a refused request. */
  | "refused_request"
  | "unknown_payment"
  /** A `notice_type` that is neither transaction, a refund type nor a published risk type. */
  | "unknown_notice_type"
  /** A refund notice whose refund_number names no refund of that payment. */
  | "unknown_refund"
  /** A business notice whose payment_id is not the charge the payment knows. */
  | "attempt_mismatch"
  | "terminal_mismatch"
  | "amount_mismatch"
  | "currency_mismatch"
  | "notes_mismatch";

/**
 * What became of a notice (`query_requested`: it only scheduled the payment's or the refund's
 * query; `recorded`: a risk notice became a `payment.risk_notice` event).
 */
export type NoticeResult = "applied" | "unchanged" | "ignored" | "query_requested" | "recorded" | "rejected" | "error";

export type DeliveryOutcome = "delivered" | "retrying" | "dead_lettered" | "gone" | "skipped";

/** The notifier's metrics, registered on the process registry. */
export class NotifierMetrics {
  readonly notices: Counter<"result">;
  readonly noticesRejected: Counter<"reason">;
  readonly businessNotices: Counter<"kind" | "result">;
  readonly deliveries: Counter<"outcome">;
  readonly deliveryDuration: Histogram;
  readonly eventsRelayed: Counter<"type">;
  readonly sseClients: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.notices = new Counter({ name: "notices_total", help: "Oceanpayment notices received, by result", labelNames: ["result"], registers });
    this.noticesRejected = new Counter({
      name: "notices_rejected_total",
      help: "Notices that changed nothing because they could not be trusted or matched, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.businessNotices = new Counter({
      name: "business_notices_total",
      help: "Refund and risk notices (notice_type other than transaction), by kind (refund, risk) and result; also counted in notices_total",
      labelNames: ["kind", "result"],
      registers,
    });
    this.deliveries = new Counter({
      name: "webhook_deliveries_total",
      help: "Webhook delivery attempts, by outcome",
      labelNames: ["outcome"],
      registers,
    });
    this.deliveryDuration = new Histogram({
      name: "webhook_delivery_duration_seconds",
      help: "Time from request start to the receiver's answer (or failure)",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    this.eventsRelayed = new Counter({
      name: "events_relayed_total",
      help: "Events read from the event stream and fanned out to subscriptions, by type (payment transitions per status)",
      labelNames: ["type"],
      registers,
    });
    this.sseClients = new Gauge({ name: "sse_clients", help: "Open live event streams", registers });
  }

  /**
   * Gauges computed on scrape: queue depth per subscription, disabled subscriptions, and payments
   * waiting for a person because the gateway contradicted a final status (undefined: not read).
   */
  collectOnScrape(
    registry: Registry,
    sources: {
      queueDepths: () => Promise<Map<string, number>>;
      disabledSubscriptions: () => number;
      contradictions: () => Promise<number | undefined>;
    },
  ): void {
    new Gauge({
      name: "payments_contradicted",
      help: "Payments in needs_review because the gateway showed a success for a payment held as failed or voided: each waits for a person",
      registers: [registry],
      async collect() {
        this.reset();
        const count = await sources.contradictions();
        if (count !== undefined) this.set(count);
      },
    });
    new Gauge({
      name: "webhook_queue_depth",
      help: "Deliveries waiting or delayed (retries) per subscription",
      labelNames: ["subscription"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [subscription, depth] of await sources.queueDepths()) this.set({ subscription }, depth);
      },
    });
    new Gauge({
      name: "webhook_subscriptions_disabled",
      help: "Subscriptions currently disabled (by an operator or after a 410)",
      registers: [registry],
      collect() {
        this.set(sources.disabledSubscriptions());
      },
    });
  }
}

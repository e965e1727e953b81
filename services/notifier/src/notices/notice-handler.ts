import { GatewayXmlError, PayResult, gatewayCodes, parseGatewayXml, parsePaymentDetails, verifyPayResult } from "@oceanpos/core/oceanpayment";
import { type PaymentStatus, type PaymentStore, type TransitionChange, sameAmount } from "@oceanpos/core/payments";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { Logger } from "@oceanpos/core/logger";
import type { NoticeRejectReason, NotifierMetrics } from "../metrics.js";

export interface NoticeHandlerOptions {
  stores: StoreRegistry;
  payments: PaymentStore;
  logger: Logger;
  metrics?: NotifierMetrics;
  /** Largest document accepted (also the route's body limit); default 64 KiB. */
  maxBytes?: number;
}

export type NoticeOutcome =
  | { result: "rejected"; reason: NoticeRejectReason }
  /** Trusted and matched, but deliberately not acted on (e.g. 20061, a stale attempt's failure). */
  | { result: "ignored"; why: string }
  | { result: "applied"; status: PaymentStatus }
  /** Already there, or the state machine refuses the move (duplicates, out-of-order notices). */
  | { result: "unchanged"; why: string };

/**
 * Oceanpayment transaction notices. Input is hostile (anyone can POST to the notice URL), so
 * nothing changes unless the document parses, its terminal is ours, its signature verifies with
 * that terminal's secureCode, and it names one of our payments with the same amount and currency.
 * The payment store's compare-and-set makes duplicates and reordering harmless: a final status
 * never moves, and `-1` only moves a payment still `submitting`.
 */
export class NoticeHandler {
  private readonly o: NoticeHandlerOptions;

  constructor(options: NoticeHandlerOptions) {
    this.o = options;
  }

  async handle(body: Uint8Array | string | undefined): Promise<NoticeOutcome> {
    const outcome = await this.decide(body);
    this.o.metrics?.notices.inc({ result: outcome.result });
    if (outcome.result === "rejected") this.o.metrics?.noticesRejected.inc({ reason: outcome.reason });
    return outcome;
  }

  private async decide(body: Uint8Array | string | undefined): Promise<NoticeOutcome> {
    const log = this.o.logger;
    if (body === undefined || body.length === 0) return this.reject("malformed", { problem: "empty body" });
    let tree: unknown;
    try {
      tree = parseGatewayXml(body, { maxBytes: this.o.maxBytes });
    } catch (err) {
      if (err instanceof GatewayXmlError) return this.reject("malformed", { problem: err.message });
      throw err;
    }
    const shaped = PayResult.safeParse(tree);
    if (!shaped.success) return this.reject("malformed", { problem: `missing or invalid ${shaped.error.issues[0]?.path.join(".") ?? "field"}` });
    const notice = shaped.data;
    const context = { terminal: notice.terminal, account: notice.account, orderNumber: notice.order_number, paymentStatus: notice.payment_status };

    const secureCode = this.o.stores.secureCodeFor(notice.terminal);
    if (secureCode === undefined) return this.reject("unknown_terminal", context);
    if (!verifyPayResult(notice, secureCode)) return this.reject("bad_signature", context);
    // Refund and dispute notices share the URL; they are not payment transitions.
    if (notice.notice_type !== undefined && notice.notice_type !== "transaction") {
      log.info({ ...context, noticeType: notice.notice_type }, "notice type not handled");
      return { result: "ignored", why: `notice_type ${notice.notice_type}` };
    }

    const ref = { account: notice.account, orderNumber: notice.order_number };
    const payment = await this.o.payments.get(ref);
    if (!payment) return this.reject("unknown_payment", context);
    if (this.o.stores.byStoreId(payment.storeId)?.oceanpayment.terminal !== notice.terminal) {
      return this.reject("terminal_mismatch", context);
    }
    if (!sameAmount(notice.order_amount, payment.amount)) return this.reject("amount_mismatch", context);
    if (notice.order_currency !== payment.currency) return this.reject("currency_mismatch", context);

    const gateway = parsePaymentDetails(notice.payment_details);
    let to: PaymentStatus;
    switch (notice.payment_status) {
      case "1":
        to = "succeeded";
        break;
      case "0":
        // 20061: this order already succeeded once; the payer settles it by query. Never a failure.
        if (gateway.code === gatewayCodes.duplicateOrder) return this.ignore(context, "duplicate order (20061)");
        // A failed attempt that is not the one we know of: a newer attempt may still succeed.
        if (payment.paymentId !== undefined && payment.paymentId !== notice.payment_id) {
          return this.ignore(context, "failure of another attempt");
        }
        // 80102: the gateway closed the order on our void request; the void notice may arrive
        // before the void response reaches the payer.
        to = gateway.code === gatewayCodes.voided && (payment.status === "awaiting_customer" || payment.status === "pending") ? "voided" : "failed";
        break;
      case "-1":
        // Pending only tells something to a payment that has no answer yet.
        if (payment.status !== "submitting") return { result: "unchanged", why: `pending notice while ${payment.status}` };
        to = "pending";
        break;
      default:
        return this.reject("unknown_status", context);
    }

    const change: TransitionChange = { to, source: "notice", set: { gateway } };
    if (gateway.code !== "") change.code = gateway.code;
    if (notice.payment_id !== "") change.set = { ...change.set, paymentId: notice.payment_id };
    // The payment just read is the compare-and-set's base: no second read (and none at all when
    // it is already final, as it usually is by the time the notice arrives).
    const result = await this.o.payments.transition(ref, change, { current: payment });
    switch (result.outcome) {
      case "applied":
        log.info({ ...context, status: to, version: result.payment.version }, "notice applied");
        return { result: "applied", status: to };
      case "unchanged":
        log.info({ ...context, status: result.payment.status, why: result.reason }, "notice changed nothing");
        return { result: "unchanged", why: result.reason };
      case "not_found":
        return this.reject("unknown_payment", context);
      default: {
        const never: never = result;
        return never;
      }
    }
  }

  private reject(reason: NoticeRejectReason, context: Record<string, string>): NoticeOutcome {
    // Only identifiers: never the body, the signValue or a secureCode.
    this.o.logger.warn({ ...context, reason }, "notice rejected");
    return { result: "rejected", reason };
  }

  private ignore(context: Record<string, string>, why: string): NoticeOutcome {
    this.o.logger.info({ ...context, why }, "notice ignored");
    return { result: "ignored", why };
  }
}

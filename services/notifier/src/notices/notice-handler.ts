import {
  GatewayXmlError,
  type PayResult,
  type PaymentDecisionOf,
  isRequestValidationCode,
  noticeDecision,
  noticeKindOf,
  parseGatewayXml,
  parsePaymentDetails,
  shapePayResult,
  verifyPayResult,
} from "@oceanpos/core/oceanpayment";
import { type Payment, type PaymentStore, type ReconcileSchedule, isFinal } from "@oceanpos/core/payments";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { Logger } from "@oceanpos/core/logger";
import type { NoticeRejectReason, NotifierMetrics } from "../metrics.js";
import { BusinessNoticeHandler, type BusinessNoticeHandlerOptions } from "./business-notice-handler.js";
import { type NoticeContext, type NoticeOutcome, NoticeOutcomes } from "./notice-outcome.js";

export interface NoticeHandlerOptions extends Pick<BusinessNoticeHandlerOptions, "refunds" | "refundSchedule" | "riskNotices" | "archived"> {
  stores: StoreRegistry;
  payments: PaymentStore;
  /** Where a notice that may not move its payment asks for the payment's query (the payer's reconciler runs it). */
  schedule: ReconcileSchedule;
  logger: Logger;
  metrics?: NotifierMetrics;
  /** Largest document accepted (also the route's body limit); default 64 KiB. */
  maxBytes?: number;
  /** Epoch ms; default `Date.now`. */
  clock?: () => number;
}

export type { NoticeOutcome } from "./notice-outcome.js";

type Context = NoticeContext;

/**
 * Oceanpayment notices. Input is hostile (anyone can POST to the notice URL, and whoever holds
 * one genuine signed document can move characters between its fields), so, in this order: the
 * document parses; it is routed on its `notice_type` before any shape is applied (refund and risk
 * notices go to {@link BusinessNoticeHandler}, any other type is refused); for a transaction
 * notice, every signed field has its strict format; the terminal is ours and the signature
 * verifies; it is not the echo of a refused request; it names one of our payments, on that
 * store's account and terminal, with the amount, currency and notes we sent. Even then a notice
 * only moves a payment whose known payment_id it carries (core's `noticeDecision`, the one
 * translation of gateway answers into payment changes); otherwise it asks for the payment's
 * query. The store's compare-and-set makes duplicates and reordering harmless.
 */
export class NoticeHandler {
  private readonly o: NoticeHandlerOptions;
  private readonly clock: () => number;
  private readonly outcomes: NoticeOutcomes;
  private readonly business: BusinessNoticeHandler;

  constructor(options: NoticeHandlerOptions) {
    this.o = options;
    this.clock = options.clock ?? Date.now;
    this.outcomes = new NoticeOutcomes(options.logger);
    this.business = new BusinessNoticeHandler({ ...options, outcomes: this.outcomes });
  }

  async handle(body: Uint8Array | string | undefined): Promise<NoticeOutcome> {
    const outcome = await this.decide(body);
    this.o.metrics?.notices.inc({ result: outcome.result });
    if (outcome.result === "rejected") this.o.metrics?.noticesRejected.inc({ reason: outcome.reason });
    return outcome;
  }

  private async decide(body: Uint8Array | string | undefined): Promise<NoticeOutcome> {
    if (body === undefined || body.length === 0) return this.reject("malformed", { problem: "empty body" });
    let tree: unknown;
    try {
      tree = parseGatewayXml(body, { maxBytes: this.o.maxBytes });
    } catch (err) {
      if (err instanceof GatewayXmlError) return this.reject("malformed", { problem: err.message });
      throw err;
    }
    // Refund and risk notices share the URL and have another shape: routed before the payment checks.
    const noticeType = typeof tree === "object" && tree !== null ? (tree as { notice_type?: unknown }).notice_type : undefined;
    const kind = noticeKindOf(noticeType);
    // The type is logged when it reads as one (a type Oceanpayment added is worth knowing), never arbitrary input.
    if (kind === "unknown") return this.reject("unknown_notice_type", { noticeType: typeof noticeType === "string" && /^[A-Za-z-]{1,40}$/.test(noticeType) ? noticeType : "?" });
    if (kind !== "transaction") {
      const outcome = await this.business.handle(tree, kind);
      this.o.metrics?.businessNotices.inc({ kind, result: outcome.result });
      return outcome;
    }

    const shaped = shapePayResult(tree);
    if (!shaped.ok) {
      if (shaped.reason === "malformed_field") return this.reject("bad_format", { field: shaped.field ?? "?" });
      return this.reject("malformed", { problem: shaped.message });
    }
    const notice = shaped.result;
    const context: Context = { terminal: notice.terminal, account: notice.account, orderNumber: notice.order_number, paymentStatus: notice.payment_status };
    const secureCode = this.o.stores.secureCodeFor(notice.terminal);
    if (secureCode === undefined) return this.reject("unknown_terminal", context);
    if (!verifyPayResult(notice, secureCode)) return this.reject("bad_signature", context);

    const details = parsePaymentDetails(notice.payment_details);
    // A refused request is echoed back signed, with whatever notes its sender chose: not a transaction.
    if (notice.payment_id === "" || isRequestValidationCode(details.code)) return this.reject("refused_request", { ...context, code: details.code });

    const ref = { account: notice.account, orderNumber: notice.order_number };
    const payment = await this.o.payments.get(ref);
    if (!payment) return this.reject("unknown_payment", context);
    const decision = noticeDecision(notice, details, payment, this.o.stores.byStoreId(payment.storeId)?.oceanpayment);
    if (decision.action === "reject") return this.reject(decision.reason, context);
    return this.act(decision, notice, payment, { ...context, paymentId: notice.payment_id });
  }

  private async act(move: PaymentDecisionOf<"transition" | "query" | "ignore" | "unchanged">, notice: PayResult, payment: Payment, context: Context): Promise<NoticeOutcome> {
    const ref = { account: notice.account, orderNumber: notice.order_number };
    switch (move.action) {
      case "ignore":
        return this.ignore(context, move.why);
      case "unchanged":
        return this.outcomes.unchanged(context, payment.status, move.why);
      case "query":
        // A contradiction waiting for a person stays out of the schedule: a query could not move it.
        if (payment.status === "needs_review" && (await this.o.payments.awaitsOperator(ref))) {
          this.o.logger.warn({ ...context, why: move.why }, "notice for a payment that waits for an operator: changed nothing");
          return { result: "unchanged", why: "awaiting_operator" };
        }
        await this.o.schedule.scheduleAt(ref, this.clock());
        return this.outcomes.queryRequested(context, payment.status, move.why, "payment");
      case "transition":
        break;
      default: {
        const never: never = move;
        return never;
      }
    }
    // The payment just read is the compare-and-set's base: no second read.
    const result = await this.o.payments.transition(ref, move.change, { current: payment });
    switch (result.outcome) {
      case "applied":
        if (result.payment.status === "needs_review" && isFinal(payment.status)) {
          this.o.logger.error({ ...context, was: payment.status, version: result.payment.version }, "gateway success for a payment held as final: needs_review");
        } else {
          this.o.logger.info({ ...context, status: result.payment.status, version: result.payment.version }, "notice applied");
        }
        return { result: "applied", status: result.payment.status };
      case "unchanged":
        return this.outcomes.unchanged(context, result.payment.status, result.reason);
      case "not_found":
        return this.reject("unknown_payment", context);
      default: {
        const never: never = result;
        return never;
      }
    }
  }

  private reject(reason: NoticeRejectReason, context: Context): NoticeOutcome {
    return this.outcomes.reject(reason, context);
  }

  private ignore(context: Context, why: string): NoticeOutcome {
    return this.outcomes.ignore(context, why);
  }
}

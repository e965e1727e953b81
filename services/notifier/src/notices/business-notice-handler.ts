import {
  type BusinessNotice,
  type NoticeKind,
  businessNoticeMismatch,
  parsePaymentDetails,
  refundNoticeDecision,
  shapeBusinessNotice,
  verifyBusinessNotice,
} from "@oceanpos/core/oceanpayment";
import type { PaymentArchive } from "@oceanpos/core/archive";
import type { Payment, PaymentRef, PaymentRetention, PaymentStore, ReconcileSchedule, RiskNotices } from "@oceanpos/core/payments";
import { type Refund, type RefundRef, type RefundStore, isRefundFinal } from "@oceanpos/core/refunds";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { Logger } from "@oceanpos/core/logger";
import type { NoticeContext, NoticeOutcome, NoticeOutcomes } from "./notice-outcome.js";

export interface BusinessNoticeHandlerOptions {
  stores: StoreRegistry;
  payments: PaymentStore;
  refunds: RefundStore;
  /** Where a refund notice that may not move its refund asks for the refund's query (the payer's refund reconciler runs it). */
  refundSchedule: ReconcileSchedule<RefundRef>;
  riskNotices: RiskNotices;
  /**
   * Payments that have left Redis (the notifier's `DATABASE_URL`): a risk notice about one puts
   * it back (`PaymentRetention.restore`, as the intake does for a refund) before it is recorded.
   * Unset: such a notice is refused as `unknown_payment`.
   */
  archived?: { archive: Pick<PaymentArchive, "findEveryStore">; retention: Pick<PaymentRetention, "restore"> };
  logger: Logger;
  outcomes: NoticeOutcomes;
  /** Epoch ms; default `Date.now`. */
  clock?: () => number;
}

/**
 * Business notices: refund notices and risk notices (chargeBack, fraud, highRisk…), already
 * routed away from the transaction notice's shape on their `notice_type`. In this order: the
 * strict formats of every signed element; the terminal is ours; the payment named exists and the
 * notice echoes it (its store's terminal, currency, amount, and the charge's payment_id). Then:
 * - a refund notice is matched to its refund (`refund_number` under the payment; `push_id` must
 *   be the refund_id the refund learnt) and carried out as core's `refundNoticeDecision` says: a
 *   verified notice moves the refund forward through `RefundStore` (duplicates and reordering
 *   are the store's compare-and-set's business), anything less, an unverified one included (the
 *   sign string is assumed), schedules the refund's query now;
 * - a risk notice must verify (it has no query to fall back on), and is recorded as a
 *   `payment.risk_notice` event, once; the payment's status never moves. A payment that has
 *   left Redis is looked up in the archive and put back first (`archived`).
 */
export class BusinessNoticeHandler {
  private readonly o: BusinessNoticeHandlerOptions;
  private readonly clock: () => number;

  constructor(options: BusinessNoticeHandlerOptions) {
    this.o = options;
    this.clock = options.clock ?? Date.now;
  }

  async handle(tree: unknown, kind: Exclude<NoticeKind, "transaction">): Promise<NoticeOutcome> {
    const { outcomes } = this.o;
    const shaped = shapeBusinessNotice(tree, kind);
    if (!shaped.ok) {
      if (shaped.reason === "malformed_field") return outcomes.reject("bad_format", { kind, field: shaped.field ?? "?" });
      return outcomes.reject("malformed", { kind, problem: shaped.message });
    }
    const notice = shaped.notice;
    const context: NoticeContext = {
      kind, noticeType: notice.notice_type, terminal: notice.terminal, account: notice.account, orderNumber: notice.order_number, pushStatus: notice.push_status,
    };
    const secureCode = this.o.stores.secureCodeFor(notice.terminal);
    if (secureCode === undefined) return outcomes.reject("unknown_terminal", context);
    const verified = verifyBusinessNotice(notice, secureCode);
    if (kind === "risk" && !verified) return outcomes.reject("bad_signature", context);

    const ref: PaymentRef = { account: notice.account, orderNumber: notice.order_number };
    // A refund notice's payment and refund are read together: one round trip.
    const [current, refund] = await Promise.all([
      this.o.payments.get(ref),
      kind === "refund" ? this.o.refunds.get({ ...ref, refundNumber: notice.refund_number }) : undefined,
    ]);
    const payment = current ?? (kind === "risk" ? await this.restoreArchived(notice, ref, context) : undefined);
    if (!payment) return outcomes.reject("unknown_payment", context);
    return kind === "refund" ? this.refund(notice, ref, payment, refund, verified, context) : this.risk(notice, ref, payment, context);
  }

  /**
   * A risk notice about a payment that has left Redis: the account's newest archived payment of
   * that number, if the notice echoes it, is put back into Redis (with its refunds; a payment
   * created meanwhile wins) so that the notice is recorded as for any payment: a
   * `payment.risk_notice` event through the stream, once (the mark lives in the payment, which
   * stays a new retention window), archived by the ledger. A refund notice never needs this: a
   * payment with an open refund stays in Redis.
   */
  private async restoreArchived(notice: BusinessNotice, ref: PaymentRef, context: NoticeContext): Promise<Payment | undefined> {
    const archived = this.o.archived;
    if (!archived) return undefined;
    const candidates = (await archived.archive.findEveryStore(ref.orderNumber)).filter((a) => this.o.stores.byStoreId(a.payment.storeId)?.oceanpayment.account === ref.account);
    const newest = candidates.sort((a, b) => b.payment.createdAt.localeCompare(a.payment.createdAt))[0];
    if (!newest || businessNoticeMismatch(notice, newest.payment, this.o.stores.byStoreId(newest.payment.storeId)?.oceanpayment) !== undefined) return undefined;
    const outcome = await archived.retention.restore(ref, newest.payment, newest.refunds);
    this.o.logger.info({ ...context, storeId: newest.payment.storeId, outcome }, "risk notice about an archived payment: the payment is back in Redis");
    return this.o.payments.get(ref);
  }

  private async refund(notice: BusinessNotice, paymentRef: PaymentRef, payment: Payment, refund: Refund | undefined, verified: boolean, context: NoticeContext): Promise<NoticeOutcome> {
    const { outcomes } = this.o;
    const ref: RefundRef = { ...paymentRef, refundNumber: notice.refund_number };
    const withRefund = { ...context, refundNumber: notice.refund_number, refundId: notice.push_id };
    if (!refund) return outcomes.reject("unknown_refund", withRefund);
    const decision = refundNoticeDecision(notice, refund, payment, this.o.stores.byStoreId(payment.storeId)?.oceanpayment, verified);
    switch (decision.action) {
      case "reject":
        return outcomes.reject(decision.reason, withRefund);
      case "unchanged":
        return outcomes.unchanged(withRefund, refund.status, decision.why);
      case "query":
        return this.queryRefund(ref, refund, withRefund, decision.why);
      case "transition":
        break;
      default: {
        const never: never = decision;
        return never;
      }
    }
    // The refund just read is the compare-and-set's base; a final refund needs no more queries.
    const result = await this.o.refunds.transition(ref, decision.change, { current: refund, ...(isRefundFinal(decision.change.to) ? { reconcile: "remove" as const } : {}) });
    switch (result.outcome) {
      case "applied":
        if (result.refund.status === "needs_review") this.o.logger.error({ ...withRefund, was: refund.status }, "gateway success for a refund held as failed: needs_review");
        else this.o.logger.info({ ...withRefund, status: result.refund.status, version: result.refund.version }, "refund notice applied");
        return { result: "applied", status: result.refund.status };
      case "unchanged":
        return outcomes.unchanged(withRefund, result.refund.status, result.reason);
      case "not_found":
        return outcomes.reject("unknown_refund", withRefund);
      default: {
        const never: never = result;
        return never;
      }
    }
  }

  private async queryRefund(ref: RefundRef, refund: Refund, context: NoticeContext, why: string): Promise<NoticeOutcome> {
    // A contradiction waiting for a person stays out of the schedule: a query could not move it.
    if (refund.status === "needs_review" && (await this.o.refunds.awaitsOperator(ref))) {
      return this.o.outcomes.unchanged(context, refund.status, "awaiting_operator");
    }
    await this.o.refundSchedule.scheduleAt(ref, this.clock());
    return this.o.outcomes.queryRequested(context, refund.status, why, "refund");
  }

  private async risk(notice: BusinessNotice, ref: PaymentRef, payment: Payment, context: NoticeContext): Promise<NoticeOutcome> {
    const mismatch = businessNoticeMismatch(notice, payment, this.o.stores.byStoreId(payment.storeId)?.oceanpayment);
    if (mismatch !== undefined) return this.o.outcomes.reject(mismatch, context);
    const result = await this.o.riskNotices.record(
      ref,
      { type: notice.notice_type, status: notice.push_status, details: parsePaymentDetails(notice.push_details), id: notice.push_id, paymentId: notice.payment_id, pushedAt: notice.push_dateTime },
      payment,
    );
    switch (result.outcome) {
      case "recorded":
        this.o.logger.warn({ ...context, status: payment.status, eventId: result.eventId }, "risk notice recorded");
        return { result: "recorded", eventId: result.eventId };
      case "duplicate":
        return this.o.outcomes.unchanged(context, payment.status, "risk notice already recorded");
      case "not_found":
        return this.o.outcomes.reject("unknown_payment", context);
      default: {
        const never: never = result;
        return never;
      }
    }
  }
}

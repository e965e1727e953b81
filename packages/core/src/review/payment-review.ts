import { type AuditLog, type AuditRecord, auditTargets } from "../audit/index.js";
import type { OperatorCaller } from "../http/index.js";
import type { Logger } from "../logger/index.js";
import {
  type GatewayView,
  type OceanpaymentClient,
  type Resolution,
  type ResolveDecision,
  askGateway,
  askGatewayAboutRefund,
  assertNever,
  refundResolveDecision,
  resolveDecision,
  settlementDecision,
  voidAnswerDecision,
} from "../oceanpayment/index.js";
import type { Payment, PaymentRecorder, PaymentRef, TransitionChange } from "../payments/index.js";
import type { Refund, RefundRef, RefundStore } from "../refunds/index.js";
import type { Store } from "../stores/index.js";
import { GatewayUnavailableError, InvalidStateError, ResolutionRefusedError } from "./review-errors.js";

/** The payment an operator names, with its store, as the route found it (`operatorPayment`). */
export interface ReviewTarget {
  store: Store;
  ref: PaymentRef;
  payment: Payment;
}

export interface PaymentReviewOptions {
  client: OceanpaymentClient;
  /** Records what the gateway said, with the reconciliation schedule in the same step (core's, as the payer's). */
  recorder: PaymentRecorder;
  refunds: RefundStore;
  audit: AuditLog;
  logger: Logger;
}

/** What a resolve came to, for the operator: whose word settled it, and what the gateway said. */
export interface ResolveOutcome {
  decidedBy: "gateway" | "operator";
  /** The gateway's answer when asked once more (`unreachable`: it could not be asked). */
  gateway: GatewayView["status"];
  /** The order was voided at the gateway first (it held it open and the operator said failed). */
  voided: boolean;
  /** The history entry's reason: the operator's words and what came of them. */
  message: string;
}

/**
 * An operator's look at payments, the same on the intake and the ledger (`registerReviewRoutes`):
 * ask the gateway now (query) and settle a `needs_review` payment or refund by hand (resolve).
 * The gateway's answers go through core's one mapping (`settlementDecision`, `resolveDecision`,
 * `voidAnswerDecision`, `refundResolveDecision`) and are recorded by core's `PaymentRecorder`
 * (a refund's by the refund store), as the payer records them; every call is written to the audit
 * log, in the transition's own Lua step when it moves the payment, else right after.
 */
export class PaymentReview {
  constructor(private readonly o: PaymentReviewOptions) {}

  /** Asks the gateway about the payment now and records its answer; resolves with the payment as it then stands. */
  async query(target: ReviewTarget, who: OperatorCaller): Promise<Payment> {
    const view = await askGateway(this.o.client, target.store.oceanpayment, target.payment);
    const audit = this.auditRecord(who, "payment.query", target, undefined, { gateway: view.status });
    if (view.status === "unreachable") {
      await this.o.audit.record(audit);
      throw new GatewayUnavailableError(`the gateway could not be asked: ${view.why}; nothing changed`);
    }
    const decision = settlementDecision(target.payment, view, "query");
    if (decision.action !== "transition") {
      await this.o.audit.record(audit);
      return target.payment;
    }
    return this.apply(target, decision.change, audit);
  }

  /**
   * Settles a `needs_review` payment: the gateway is asked once more and its answer wins when it
   * settles the payment; a `failed` decision on an order it holds open voids it there first; when
   * it cannot be asked the decision is applied with that in the history. 409 when the payment is
   * not in review (or leaves it meanwhile), or when the decision would record money the gateway
   * has not taken.
   */
  async resolve(target: ReviewTarget, who: OperatorCaller, resolution: Omit<Resolution, "operator">): Promise<{ payment: Payment; resolution: ResolveOutcome }> {
    const { payment, store } = target;
    if (payment.status !== "needs_review") throw notInReview("payment", payment.orderNumber, payment.status);
    const wanted: Resolution = { ...resolution, operator: who.name };
    const view = await askGateway(this.o.client, store.oceanpayment, payment);
    let decision: ResolveDecision = resolveDecision(payment, view, wanted);
    let voided = false;
    if (decision.action === "void") {
      decision = await this.voidFirst(target, wanted);
      // Only a confirmed void decides by the operator's word; a query after an unconfirmed one by the gateway's.
      voided = decision.action === "transition" && decision.by === "operator";
    }
    if (decision.action === "refuse") throw new ResolutionRefusedError(decision.why);
    if (decision.action === "void") throw new Error("a void's outcome cannot ask for another void");
    const { change, by } = decision;
    const details = { requested: resolution.status, gateway: view.status, decidedBy: by, status: change.to, ...(voided ? { voided: "true" } : {}) };
    const moved = await this.apply(target, change, this.auditRecord(who, "payment.resolve", target, resolution.reason, details), true);
    return { payment: moved, resolution: { decidedBy: by, gateway: view.status, voided, message: change.reason ?? "" } };
  }

  /**
   * Settles a `needs_review` refund, as {@link resolve} does a payment: the gateway is asked once
   * more (queryRefund by its refund_id, else the payment's refundList) and its settled answer
   * wins; a refund it never filed can only fail; when it cannot be asked the decision is applied
   * and the history says so. 409 while it holds the refund pending (it may still pay out).
   */
  async resolveRefund(target: ReviewTarget, ref: RefundRef, refund: Refund, who: OperatorCaller, resolution: Omit<Resolution, "operator">): Promise<{ refund: Refund; resolution: Omit<ResolveOutcome, "voided"> }> {
    if (refund.status !== "needs_review") throw notInReview("refund", refund.refundNumber, refund.status);
    const view = await askGatewayAboutRefund(this.o.client, target.store.oceanpayment, target.payment, refund);
    const decision = refundResolveDecision(view, { ...resolution, operator: who.name });
    if (decision.action === "refuse") throw new ResolutionRefusedError(decision.why);
    const audit: AuditRecord = {
      operator: who.name,
      role: who.role,
      action: "refund.resolve",
      target: auditTargets.refund(target.store.id, refund.orderNumber, refund.refundNumber),
      reason: resolution.reason,
      details: { requested: resolution.status, gateway: view.status, decidedBy: decision.by, status: decision.change.to },
    };
    const result = await this.o.refunds.transition(ref, decision.change, { current: refund, reconcile: "remove", audit });
    if (result.outcome === "not_found") throw new InvalidStateError(`refund ${refund.refundNumber} is gone`);
    if (result.outcome === "unchanged") throw notInReview("refund", refund.refundNumber, result.refund.status);
    this.o.logger.info({ storeId: target.store.id, orderNumber: refund.orderNumber, refundNumber: refund.refundNumber, to: result.refund.status, operator: who.name }, "refund resolved by an operator");
    return { refund: result.refund, resolution: { decidedBy: decision.by, gateway: view.status, message: decision.change.reason ?? "" } };
  }

  /** The gateway holds the order open and the operator says failed: void it, then decide on the void's answer. */
  private async voidFirst(target: ReviewTarget, wanted: Resolution): Promise<ResolveDecision> {
    const { store, payment } = target;
    const outcome = await this.o.client.void(store.oceanpayment, payment.orderNumber);
    const decision = voidAnswerDecision(outcome);
    switch (decision.action) {
      case "transition": {
        const { code, set } = decision.change;
        const change: TransitionChange = {
          to: "failed",
          source: "operator",
          operator: wanted.operator,
          reason: `${wanted.reason} (the gateway held the order open: voided there first)`,
          ...(code !== undefined ? { code } : {}),
          ...(set !== undefined ? { set } : {}),
        };
        return { action: "transition", by: "operator", change };
      }
      case "query": {
        // The void was refused (the order was paid) or its answer lost: what the order holds now decides.
        const view = await askGateway(this.o.client, store.oceanpayment, payment);
        const after = resolveDecision(payment, view, wanted);
        if (after.action === "transition" && after.by === "gateway") return after;
        throw new GatewayUnavailableError(`the void was not confirmed (${decision.why}) and the gateway does not show the order settled; nothing changed, try again`);
      }
      case "refused":
      case "unanswered":
        throw new GatewayUnavailableError(`the order could not be voided at the gateway (${decision.action === "refused" ? decision.code : decision.failure.message}); nothing changed, try again`);
      default:
        return assertNever(decision);
    }
  }

  /**
   * Records a change with its audit entry in the same step; a change that is not applied (the
   * payment already there, or past it) gets its entry right after. `mustApply`: a resolve, which
   * answers 409 when the payment left review meanwhile.
   */
  private async apply(target: ReviewTarget, change: TransitionChange, audit: AuditRecord, mustApply = false): Promise<Payment> {
    const { ref, payment, store } = target;
    const log = this.o.logger.child({ storeId: store.id, orderNumber: payment.orderNumber, operator: audit.operator });
    const result = await this.o.recorder.apply(ref, change, log, payment, audit);
    if (result.outcome === "not_found") throw new InvalidStateError(`payment ${payment.orderNumber} is gone`);
    if (result.outcome === "unchanged") {
      if (mustApply) throw notInReview("payment", payment.orderNumber, result.payment.status);
      await this.o.audit.record(audit);
    }
    return result.payment;
  }

  private auditRecord(who: OperatorCaller, action: AuditRecord["action"], target: ReviewTarget, reason: string | undefined, details: Record<string, string>): AuditRecord {
    return { operator: who.name, role: who.role, action, target: auditTargets.payment(target.store.id, target.payment.orderNumber), ...(reason !== undefined ? { reason } : {}), details };
  }
}

function notInReview(what: "payment" | "refund", id: string, status: string): InvalidStateError {
  return new InvalidStateError(`${what} ${id} is ${status}; only a needs_review ${what} can be resolved`);
}

import type { Payment, PaymentRef } from "@oceanpos/core/payments";
import type { FastifyReply } from "fastify";
import { paymentLocation } from "../build-payment.js";
import type { PaymentWaiter } from "../payment-waiter.js";

/** Statuses a `Prefer: wait` on creation waits out: the payment has no outcome yet. */
export const inFlightStatuses: ReadonlySet<Payment["status"]> = new Set(["accepted", "submitting"]);

/** Statuses a void waits out: the void is queued but the payment has not moved yet. */
export const voidableStatuses: ReadonlySet<Payment["status"]> = new Set(["awaiting_customer", "pending"]);

export interface WaitingReply {
  reply: FastifyReply;
  waiter: PaymentWaiter;
  ref: PaymentRef;
  payment: Payment;
  /** Seconds from `Prefer: wait`, undefined when absent. */
  waitSeconds: number | undefined;
  /** Statuses that mean "not settled yet". */
  pending: ReadonlySet<Payment["status"]>;
  /** Status when the wait ends settled (or none was asked): 200 for replays, else 202/200. */
  replayed?: boolean;
}

/**
 * Answers with the payment, first holding the response for `Prefer: wait=N` until it leaves the
 * `pending` statuses: 200 if it did, 202 if N ran out (replays are always 200).
 */
export async function replyWithPayment(options: WaitingReply): Promise<FastifyReply> {
  const { reply, waiter, ref, waitSeconds, pending, replayed = false } = options;
  let payment = options.payment;
  let settled = !pending.has(payment.status);
  if (waitSeconds !== undefined) {
    reply.header("preference-applied", `wait=${waitSeconds}`);
    if (!settled && waitSeconds > 0) {
      try {
        const result = await waiter.waitFor(ref, (p) => !pending.has(p.status), waitSeconds * 1000);
        payment = result.payment ?? payment;
        settled = result.settled;
      } catch (err) {
        // The request's own write is done: a Redis failure while following the payment must not
        // become a 503, which the client would read as "not done". Answer with what is known.
        reply.log.warn({ err: (err as Error).message, orderNumber: payment.orderNumber }, "Prefer: wait ended early: storage unavailable");
      }
    }
  }
  if (replayed) reply.header("idempotent-replayed", "true");
  reply.header("location", paymentLocation(payment.orderNumber));
  const status = replayed || (waitSeconds !== undefined && settled) ? 200 : 202;
  return reply.code(status).send(payment);
}

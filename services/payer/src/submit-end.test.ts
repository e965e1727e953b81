import { GatewayAmbiguousError, GatewayPermanentError, GatewayRetryableError } from "@oceanpos/core/oceanpayment";
import type { Payment } from "@oceanpos/core/payments";
import { describe, expect, it } from "vitest";
import { OutcomeUnsettledError, PaymentUnworkableError } from "./errors.js";
import { SettlementWindow } from "./settlement-window.js";
import { type FailedSubmit, submitEndAfter } from "./submit-end.js";

const began = Date.parse("2026-01-01T00:00:00.000Z");
function payment(status: Payment["status"]): Payment {
  const at = new Date(began).toISOString();
  return {
    orderNumber: "NO1", storeId: "s", mode: "merchant_scan", method: "WeChatPay_Offline", amount: "1.00", currency: "USD", status, version: 2,
    createdAt: at, updatedAt: at, history: [{ status: "accepted", at, source: "intake" }, { status: "submitting", at, source: "payer" }],
  };
}

/** A failed run 10 s into a 60 s window, first of 8 attempts; `reads` and `delays` count what the decision looked at. */
function failure(error: unknown, stored: Payment | undefined, extra: Partial<FailedSubmit> = {}) {
  const seen = { reads: 0, delays: 0 };
  const input: FailedSubmit = {
    error,
    attemptsMade: 0,
    attempts: 8,
    payment: async () => {
      seen.reads++;
      return stored;
    },
    now: began + 10_000,
    window: new SettlementWindow(60_000),
    unansweredDelayMs: () => {
      seen.delays++;
      return 1_500;
    },
    ...extra,
  };
  return { input, seen };
}

const noAnswer = new GatewayRetryableError("pay: connect ECONNREFUSED", { reason: "not_sent" });

describe("submitEndAfter: how a failed submit run ends", () => {
  it("no answer from the gateway parks the run after the backoff, without using an attempt", async () => {
    const { input, seen } = failure(noAnswer, payment("submitting"));
    expect(await submitEndAfter(input)).toEqual({ end: "park", delayMs: 1_500 });
    expect(seen).toEqual({ reads: 1, delays: 1 });
    const ambiguous = failure(new GatewayAmbiguousError("pay: socket hang up", { reason: "maybe_sent" }), payment("accepted"), { attemptsMade: 7 });
    expect(await submitEndAfter(ambiguous.input)).toMatchObject({ end: "park" });
  });

  it("no answer for the whole settlement window asks a person, saying how long and what failed", async () => {
    const { input, seen } = failure(noAnswer, payment("submitting"), { now: began + 60_000 });
    const end = await submitEndAfter(input);
    expect(end).toMatchObject({ end: "review", kind: "unsettled", status: "submitting" });
    expect(end).toHaveProperty("reason", expect.stringContaining("outcome unknown 60 s after the submit began (settlement window 60 s)"));
    expect(seen.delays, "no backoff taken for a run that is not parked").toBe(0);
  });

  it("an answered failure is retried while attempts remain, without reading the payment", async () => {
    const error = new OutcomeUnsettledError("pay was ambiguous and the gateway shows no attempt yet");
    const { input, seen } = failure(error, payment("submitting"), { attemptsMade: 6 });
    expect(await submitEndAfter(input)).toEqual({ end: "retry", error });
    expect(seen).toEqual({ reads: 0, delays: 0 });
  });

  it("the last attempt, a refused request or an unworkable payment asks a person, never a guessed failed", async () => {
    const last = failure(new OutcomeUnsettledError("still unknown"), payment("submitting"), { attemptsMade: 7 });
    expect(await submitEndAfter(last.input)).toEqual({
      end: "review", kind: "attempts_exhausted", status: "submitting", reason: "outcome unknown after 8 attempts: outcome_unsettled: still unknown",
    });
    const refused = failure(new GatewayPermanentError("query: request refused by Oceanpayment (20013)", { reason: "rejected" }), payment("submitting"));
    expect(await submitEndAfter(refused.input)).toMatchObject({ end: "review", kind: "gateway_refused", reason: expect.stringMatching(/^cannot submit: /) });
    const unworkable = failure(new PaymentUnworkableError("merchant scan without a stored payment code"), payment("accepted"));
    expect(await submitEndAfter(unworkable.input)).toMatchObject({ end: "review", kind: "unworkable", status: "accepted" });
  });

  it("a payment that moved on despite the error keeps that answer; one that is gone is tried again", async () => {
    expect(await submitEndAfter(failure(noAnswer, payment("pending")).input)).toEqual({ end: "done", result: "pending" });
    expect(await submitEndAfter(failure(new OutcomeUnsettledError("x"), payment("succeeded"), { attemptsMade: 7 }).input)).toEqual({ end: "done", result: "succeeded" });
    expect(await submitEndAfter(failure(noAnswer, undefined).input)).toEqual({ end: "retry", error: noAnswer });
  });
});

import type { Logger } from "@oceanpos/core/logger";
import type { NoticeRejectReason } from "../metrics.js";

export type NoticeOutcome =
  | { result: "rejected"; reason: NoticeRejectReason }
  /** Trusted and matched, but deliberately not acted on (e.g. 20061). */
  | { result: "ignored"; why: string }
  /** Not proof enough to move the payment or refund: its query was scheduled now instead. */
  | { result: "query_requested"; why: string }
  | { result: "applied"; status: string }
  /** A risk notice, recorded as a `payment.risk_notice` event. */
  | { result: "recorded"; eventId: string }
  /** Already there, or the state machine refuses the move (duplicates, out-of-order notices). */
  | { result: "unchanged"; why: string };

/** Identifiers of a notice for its log lines: never the body, the signValue or a secureCode. */
export type NoticeContext = Record<string, string>;

/** The notice outcomes that are logged the same way whatever the notice was. */
export class NoticeOutcomes {
  constructor(private readonly logger: Logger) {}

  reject(reason: NoticeRejectReason, context: NoticeContext): NoticeOutcome {
    this.logger.warn({ ...context, reason }, "notice rejected");
    return { result: "rejected", reason };
  }

  ignore(context: NoticeContext, why: string): NoticeOutcome {
    this.logger.info({ ...context, why }, "notice ignored");
    return { result: "ignored", why };
  }

  unchanged(context: NoticeContext, status: string, why: string): NoticeOutcome {
    this.logger.info({ ...context, status, why }, "notice changed nothing");
    return { result: "unchanged", why };
  }

  queryRequested(context: NoticeContext, status: string, why: string, what: "payment" | "refund"): NoticeOutcome {
    this.logger.warn({ ...context, status, why }, `notice not applied: ${what} query requested`);
    return { result: "query_requested", why };
  }
}

import { setTimeout as sleep } from "node:timers/promises";
import { type ListedOrder, type OceanpaymentClient, type OceanpaymentCredentials, type RefundState, type RefundedPayment, queryRefundState } from "@oceanpos/core/oceanpayment";
import type { TokenBucket } from "@oceanpos/core/rate-limit";
import type { Refund } from "@oceanpos/core/refunds";

export interface GatewayDayOptions {
  client: Pick<OceanpaymentClient, "ordersList" | "query" | "queryRefund">;
  /** The terminal scope's bucket, shared with the payers: a reconciliation never starves payments. */
  bucket: TokenBucket;
  /** `GATEWAY_RATE_PER_TERMINAL`, `GATEWAY_BURST_PER_TERMINAL`: the payers' settings, the same bucket. */
  ratePerSec: number;
  burst: number;
  /** Tries per page, and per refund query, before the run fails (`RECONCILIATION_PAGE_ATTEMPTS`). */
  attempts: number;
  /** First pause between tries, doubled each time up to 30 s. */
  retryDelayMs: number;
}

/** Why the gateway's list, or its answer about a refund, could not be had: the run fails with this message. */
export class GatewayListError extends Error {}

/**
 * Every page of a terminal's successful orders between two gateway times. A page that does not
 * answer is tried again (a read: always safe), paced by the terminal's rate limit; a page still
 * unusable after every try, refused, or pages that together do not hold `count` distinct orders,
 * throw {@link GatewayListError}: a run never compares a part of the list.
 */
export class GatewayDay {
  constructor(private readonly options: GatewayDayOptions) {}

  async orders(credentials: OceanpaymentCredentials, begin: string, end: string, signal: AbortSignal): Promise<ListedOrder[]> {
    const first = await this.page(credentials, begin, end, 1, signal);
    const orders = [...first.orders];
    for (let page = 2; page <= first.totalPages; page++) {
      const next = await this.page(credentials, begin, end, page, signal);
      if (next.count !== first.count || next.totalPages !== first.totalPages) {
        throw new GatewayListError(`the list changed while paging (count ${first.count}, then ${next.count} on page ${page})`);
      }
      orders.push(...next.orders);
    }
    const distinct = new Set(orders.map((o) => o.paymentId)).size;
    if (distinct !== first.count || orders.length !== first.count) {
      throw new GatewayListError(`the pages hold ${distinct} distinct orders in ${orders.length} lines, the gateway counts ${first.count}`);
    }
    return orders;
  }

  /**
   * What the gateway says about one refund (core's `queryRefundState`: queryRefund by its
   * refund_id, else its payment's refundList), paced and tried again like a page while it gets no
   * answer. An answer that names the refund otherwise (`mismatch`) or a refused query is not asked
   * again: the caller reports it, or fails the run.
   */
  async refund(credentials: OceanpaymentCredentials, payment: RefundedPayment, refund: Refund, signal: AbortSignal): Promise<RefundState> {
    const { client, attempts } = this.options;
    let state: RefundState | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await this.beforeTry(credentials, attempt, signal);
      state = await queryRefundState(client, credentials, payment, refund);
      if (state.action !== "unanswered" || (state.failure.kind === "ambiguous" && state.failure.reason === "mismatch")) return state;
    }
    return state as RefundState;
  }

  private async page(credentials: OceanpaymentCredentials, begin: string, end: string, page: number, signal: AbortSignal) {
    const { client, attempts } = this.options;
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await this.beforeTry(credentials, attempt, signal);
      const outcome = await client.ordersList(credentials, { begin, end, page });
      switch (outcome.kind) {
        case "page":
          return outcome;
        case "refused":
          throw new GatewayListError(`page ${page} refused by the gateway: ${outcome.code} ${outcome.details}`);
        case "retryable":
        case "ambiguous":
          last = `${outcome.reason}: ${outcome.message}`;
          break;
        default: {
          const never: never = outcome;
          return never;
        }
      }
    }
    throw new GatewayListError(`page ${page} unusable after ${attempts} tries (${last})`);
  }

  /** The pause before a try again (doubled each time up to 30 s), then the terminal's next slot. */
  private async beforeTry(credentials: OceanpaymentCredentials, attempt: number, signal: AbortSignal): Promise<void> {
    if (attempt > 1) await sleep(Math.min(30_000, this.options.retryDelayMs * 2 ** (attempt - 2)), undefined, { signal });
    await this.paced(credentials, signal);
  }

  /** Waits for the terminal's next gateway call. */
  private async paced(credentials: OceanpaymentCredentials, signal: AbortSignal): Promise<void> {
    const { bucket, ratePerSec, burst } = this.options;
    for (;;) {
      const slot = await bucket.reserve(`${credentials.account}-${credentials.terminal}`, { ratePerSec, burst, maxWaitMs: 30_000 });
      if (slot.reserved) {
        if (slot.waitMs > 0) await sleep(slot.waitMs, undefined, { signal });
        return;
      }
      await sleep(slot.retryAfterMs, undefined, { signal });
    }
  }
}

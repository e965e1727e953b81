import { setTimeout as sleep } from "node:timers/promises";
import type { ListedOrder, OceanpaymentClient, OceanpaymentCredentials } from "@oceanpos/core/oceanpayment";
import type { TokenBucket } from "@oceanpos/core/rate-limit";

export interface GatewayDayOptions {
  client: Pick<OceanpaymentClient, "ordersList">;
  /** The terminal scope's bucket, shared with the payers: a reconciliation never starves payments. */
  bucket: TokenBucket;
  /** `GATEWAY_RATE_PER_TERMINAL`, `GATEWAY_BURST_PER_TERMINAL`: the payers' settings, the same bucket. */
  ratePerSec: number;
  burst: number;
  /** Tries per page before the run fails (`RECONCILIATION_PAGE_ATTEMPTS`). */
  attempts: number;
  /** First pause between tries, doubled each time up to 30 s. */
  retryDelayMs: number;
}

/** Why the gateway's list could not be had: the run fails with this message. */
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

  private async page(credentials: OceanpaymentCredentials, begin: string, end: string, page: number, signal: AbortSignal) {
    const { client, attempts, retryDelayMs } = this.options;
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(Math.min(30_000, retryDelayMs * 2 ** (attempt - 2)), undefined, { signal });
      await this.paced(credentials, signal);
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

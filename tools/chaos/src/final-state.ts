import { type HttpClient, retryableStatus, sleep } from "./http-client.js";
import type { LedgerOrder } from "./forgery-verdict.js";
import type { PlannedPayment } from "./payment-plan.js";

/** `GET /v1/payments/{orderNumber}` for each payment (its own store's key): status and version, or undefined on 404. */
export async function fetchPayments(
  http: HttpClient,
  intakeUrl: string,
  plan: readonly PlannedPayment[],
  concurrency = 32,
): Promise<Map<string, { status: string; version: number } | undefined>> {
  const out = new Map<string, { status: string; version: number } | undefined>();
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const p = plan[next++] as PlannedPayment;
      out.set(p.orderNumber, await fetchOne(http, `${intakeUrl}/v1/payments/${p.orderNumber}`, p.store.apiKey));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

async function fetchOne(http: HttpClient, url: string, token: string): Promise<{ status: string; version: number } | undefined> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await http.json<{ status: string; version: number }>("GET", url, { token, timeoutMs: 10_000 });
      if (res.status === 200) return { status: res.body.status, version: res.body.version };
      if (res.status === 404) return undefined;
      if (!retryableStatus(res.status)) throw new Error(`GET ${url} answered ${res.status}`);
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`GET ${url} kept failing`);
    await sleep(250);
  }
}

/** `GET /sandbox/ledger`: order number → its charges, status and payment_ids (summed over terminals using it). */
export async function fetchLedger(http: HttpClient, sandboxUrl: string): Promise<Map<string, LedgerOrder>> {
  const res = await http.json<{ orders: { orderNumber: string; charges: number; status: string; paymentIds: string[] }[] }>("GET", `${sandboxUrl}/sandbox/ledger`, {
    timeoutMs: 30_000,
  });
  if (res.status !== 200) throw new Error(`GET /sandbox/ledger answered ${res.status}`);
  const orders = new Map<string, LedgerOrder>();
  for (const o of res.body.orders) {
    const seen = orders.get(o.orderNumber);
    orders.set(o.orderNumber, {
      charges: (seen?.charges ?? 0) + o.charges,
      status: seen?.status === "succeeded" ? seen.status : o.status,
      paymentIds: [...(seen?.paymentIds ?? []), ...o.paymentIds],
    });
  }
  return orders;
}

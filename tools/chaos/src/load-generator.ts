import { type HttpClient, type JsonResponse, retryableStatus, sleep } from "./http-client.js";
import type { PlannedPayment } from "./payment-plan.js";

/** What intake told the POS about one planned payment. */
export interface Submission {
  /** Intake answered 202 or 200 for it (alone or as a batch item) at least once. */
  accepted: boolean;
  /** Requests sent for it (retries included; a batch counts once per item). */
  attempts: number;
  /** A 4xx other than the expected ones (409 on an identical body, 400 on a valid one, …). */
  unexpected?: string;
  /** Both concurrent copies of a duplicate were answered 202 (created twice?). */
  createdTwice?: boolean;
  /** `qr_void` payments: the void answer (status) or why none was sent. */
  voidAnswer?: string;
}

export interface LoadGeneratorOptions {
  http: HttpClient;
  intakeUrl: string;
  /** Payments per second (pacing of the whole plan). */
  ratePerSec: number;
  /** Requests in flight at most. Default 48. */
  maxInFlight?: number;
  /** Share of payments sent in batches; default 0.35. */
  batchShare?: number;
  /** Largest batch; default 200. */
  maxBatch?: number;
  /** A payment (or batch) is given up (left unconfirmed) after retrying this long; default 120 s. */
  giveUpAfterMs?: number;
  random?: () => number;
  /** Called with the share of the plan dispatched so far. */
  onProgress?: (dispatched: number) => void;
  signal?: AbortSignal;
}

export interface LoadTotals {
  requests: number;
  retries: number;
  batches: number;
  singles: number;
  unconfirmed: number;
}

/**
 * Pushes the plan through intake at a steady rate, singles and batches mixed, retrying whatever
 * may be retried (503 while Redis restarts, connection errors while nothing answers) with the
 * same body, as a careful POS would.
 */
export class LoadGenerator {
  readonly submissions = new Map<string, Submission>();
  readonly totals: LoadTotals = { requests: 0, retries: 0, batches: 0, singles: 0, unconfirmed: 0 };
  private readonly o: LoadGeneratorOptions;
  private readonly random: () => number;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(options: LoadGeneratorOptions) {
    this.o = options;
    this.random = options.random ?? Math.random;
  }

  async run(plan: readonly PlannedPayment[]): Promise<Map<string, Submission>> {
    const started = Date.now();
    const pending: Promise<void>[] = [];
    const batchShare = this.o.batchShare ?? 0.35;
    const minBatch = 10;
    const maxBatch = Math.max(minBatch, this.o.maxBatch ?? 200);
    // Chance that a group is a batch so that about `batchShare` of all payments travel in batches.
    const meanBatch = (minBatch + maxBatch) / 2;
    const batchChance = batchShare / (meanBatch * (1 - batchShare) + batchShare);
    let i = 0;
    while (i < plan.length) {
      if (this.o.signal?.aborted) throw new Error("aborted");
      const due = started + (i / this.o.ratePerSec) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      // A batch group takes the next 10–maxBatch payments (split per store); otherwise one single.
      const size = this.random() < batchChance ? minBatch + Math.floor(this.random() * (maxBatch - minBatch + 1)) : 1;
      const group = plan.slice(i, i + size);
      i += group.length;
      for (const p of group) this.submissions.set(p.orderNumber, { accepted: false, attempts: 0 });
      await this.slot();
      const work =
        group.length === 1
          ? this.single(group[0] as PlannedPayment)
          : Promise.all([...byStore(group).values()].map((items) => this.batch(items))).then(() => undefined);
      pending.push(work.finally(() => this.release()));
      this.o.onProgress?.(i / plan.length);
    }
    await Promise.all(pending);
    this.totals.unconfirmed = [...this.submissions.values()].filter((s) => !s.accepted && !s.unexpected).length;
    return this.submissions;
  }

  private async single(p: PlannedPayment): Promise<void> {
    this.totals.singles++;
    const sub = this.submissions.get(p.orderNumber) as Submission;
    const copies = p.duplicate ? 2 : 1;
    const wait = p.scenario === "qr_void";
    const answers = await Promise.all(Array.from({ length: copies }, () => this.post(p, sub, wait)));
    if (copies === 2 && answers.every((a) => a?.status === 202)) sub.createdTwice = true;
    const payment = answers.find((a) => a !== undefined)?.body as { status?: string } | undefined;
    if (wait && sub.accepted) await this.voidSoon(p, sub, payment?.status);
  }

  /** Sends one payment until intake gives a definite answer; the answer, or undefined when given up. */
  private async post(p: PlannedPayment, sub: Submission, wait: boolean): Promise<JsonResponse | undefined> {
    const res = await this.retrying(() => {
      sub.attempts++;
      return this.o.http.json("POST", `${this.o.intakeUrl}/v1/payments`, {
        token: p.store.apiKey,
        body: p.body,
        headers: wait ? { prefer: "wait=5" } : {},
        timeoutMs: 20_000,
      });
    });
    if (!res) return undefined;
    if (res.status === 202 || res.status === 200) sub.accepted = true;
    else sub.unexpected ??= `POST /v1/payments answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`;
    return res;
  }

  private async batch(items: readonly PlannedPayment[]): Promise<void> {
    this.totals.batches++;
    const store = (items[0] as PlannedPayment).store;
    for (const p of items) (this.submissions.get(p.orderNumber) as Submission).attempts++;
    const res = await this.retrying(() =>
      this.o.http.json("POST", `${this.o.intakeUrl}/v1/payments/batch`, {
        token: store.apiKey,
        body: { payments: items.map((p) => p.body) },
        timeoutMs: 30_000,
      }),
    );
    if (!res) return;
    const results = res.status === 200 ? (res.body as { results?: { orderNumber: string; status: number }[] }).results : undefined;
    items.forEach((p, k) => {
      const sub = this.submissions.get(p.orderNumber) as Submission;
      const r = results?.[k];
      if (r && (r.status === 202 || r.status === 200) && r.orderNumber === p.orderNumber) sub.accepted = true;
      else sub.unexpected ??= `batch answered ${res.status}, item ${JSON.stringify(r ?? res.body).slice(0, 300)}`;
    });
  }

  /** POST /void once the QR is shown (a race with the customer paying). */
  private async voidSoon(p: PlannedPayment, sub: Submission, initial: string | undefined): Promise<void> {
    // Prefer: wait may run out while the payer is slow (or down): look again for a few seconds.
    let status = initial;
    for (let i = 0; i < 20 && (status === "accepted" || status === "submitting" || status === undefined); i++) {
      await sleep(500);
      status = await this.o.http
        .json<{ status?: string }>("GET", `${this.o.intakeUrl}/v1/payments/${p.orderNumber}`, { token: p.store.apiKey, timeoutMs: 10_000 })
        .then((res) => (res.status === 200 ? res.body.status : undefined))
        .catch(() => undefined);
    }
    if (status !== "awaiting_customer" && status !== "pending") {
      sub.voidAnswer = `not sent (payment was ${status ?? "unknown"})`;
      return;
    }
    await sleep(Math.floor(this.random() * 300));
    const res = await this.retrying(() =>
      this.o.http.json("POST", `${this.o.intakeUrl}/v1/payments/${p.orderNumber}/void`, { token: p.store.apiKey, timeoutMs: 20_000 }),
    );
    sub.voidAnswer = res ? String(res.status) : "gave up";
    if (res && res.status !== 200 && res.status !== 202 && res.status !== 409) {
      sub.unexpected ??= `void answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`;
    }
  }

  /** Calls `send` until it answers something other than 429/5xx/connection error, or gives up. */
  private async retrying(send: () => Promise<JsonResponse>): Promise<JsonResponse | undefined> {
    const deadline = Date.now() + (this.o.giveUpAfterMs ?? 120_000);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.totals.retries++;
      this.totals.requests++;
      try {
        const res = await send();
        if (!retryableStatus(res.status)) return res;
      } catch {
        // connection refused or reset, time-out: the request may or may not have landed; the
        // same body again is safe (idempotent on orderNumber)
      }
      if (Date.now() > deadline || this.o.signal?.aborted) return undefined;
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + this.random()));
    }
  }

  private async slot(): Promise<void> {
    const max = this.o.maxInFlight ?? 48;
    while (this.inFlight >= max) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }
}

function byStore(group: readonly PlannedPayment[]): Map<string, PlannedPayment[]> {
  const out = new Map<string, PlannedPayment[]>();
  for (const p of group) {
    const list = out.get(p.store.storeId) ?? [];
    list.push(p);
    out.set(p.store.storeId, list);
  }
  return out;
}

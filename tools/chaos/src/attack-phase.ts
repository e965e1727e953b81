import { type HttpClient, retryableStatus, sleep } from "./http-client.js";
import type { NoticeAttacker } from "./notice-attacker.js";
import type { PlannedPayment } from "./payment-plan.js";

export interface AttackPhaseOptions {
  attacker: NoticeAttacker;
  plan: readonly PlannedPayment[];
  /** How many payments of the plan (in plan order) the load generator has dispatched so far. */
  dispatched: () => number;
  /** In-flight payments to go after, spread evenly over `windowMs`. */
  targets: number;
  windowMs: number;
  signal?: AbortSignal;
}

/** Payments read per tick looking for one still in flight (the newest are usually the ones). */
const lookups = 5;

/**
 * The attacker's schedule during the submission: each tick goes after the newest dispatched
 * payment still in flight (`accepted`, `submitting`, `awaiting_customer`, `pending`), every
 * fourth after the next bait in turn (pending for as long as the run lasts, its payment_id known).
 * Notices the tap holds are attacked as they come (`NoticeAttacker.onNotice`). Ends when `done`
 * says so; what it aimed at is in the attacker's `targets`.
 */
export async function runAttacks(o: AttackPhaseOptions, done: () => boolean): Promise<void> {
  const intervalMs = o.windowMs / Math.max(1, o.targets);
  const baits = o.plan.map((p, i) => ({ p, i })).filter(({ p }) => p.scenario === "bait");
  const tried = new Set<string>();
  for (let tick = 1; !done() && !o.signal?.aborted; tick++) {
    const began = Date.now();
    const dispatched = o.dispatched();
    const ready = baits.filter(({ i }) => i < dispatched);
    if (tick % 4 === 0 && ready.length > 0) {
      await o.attacker.attackPayment((ready[(tick / 4) % ready.length] as (typeof ready)[number]).p);
    } else {
      let looked = 0;
      for (let i = dispatched - 1; i >= 0 && looked < lookups; i--) {
        const p = o.plan[i] as PlannedPayment;
        if (p.scenario === "bait" || tried.has(p.orderNumber)) continue;
        tried.add(p.orderNumber);
        looked++;
        if (await o.attacker.attackPayment(p)) break;
      }
    }
    const rest = intervalMs - (Date.now() - began);
    if (rest > 0) await sleep(rest);
  }
  await o.attacker.drain();
}

/**
 * The POS voids every bait (retrying what may be retried), then waits (bounded) until each is
 * `voided`; returns each bait's last status. A bait a forgery turned `succeeded` answers 409
 * here: that is for the verdict to count, not a reason to stop.
 */
export async function voidBaits(http: HttpClient, intakeUrl: string, baits: readonly PlannedPayment[], timeoutMs = 60_000): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  await Promise.all(
    baits.map(async (p) => {
      const deadline = Date.now() + timeoutMs;
      const read = () =>
        http
          .json<{ status?: string }>("GET", `${intakeUrl}/v1/payments/${p.orderNumber}`, { token: p.store.apiKey, timeoutMs: 5_000 })
          .then((r) => (r.status === 200 ? r.body.status : undefined))
          .catch(() => undefined);
      let status = await read();
      // A bait still being submitted (a crash, the outage) cannot be voided yet.
      while ((status === undefined || status === "accepted" || status === "submitting") && Date.now() < deadline) {
        await sleep(500);
        status = await read();
      }
      while (status === "pending" && Date.now() < deadline) {
        const res = await http.json("POST", `${intakeUrl}/v1/payments/${p.orderNumber}/void`, { token: p.store.apiKey, timeoutMs: 10_000 }).catch(() => undefined);
        if (res && !retryableStatus(res.status) && res.status !== 202 && res.status !== 200) break;
        await sleep(500);
        status = await read();
      }
      statuses.set(p.orderNumber, status ?? "unknown");
    }),
  );
  return statuses;
}

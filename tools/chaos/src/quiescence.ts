import { adminToken } from "./cluster.js";
import type { EventTailer } from "./event-tailer.js";
import { type HttpClient, sleep } from "./http-client.js";
import type { PlannedPayment } from "./payment-plan.js";
import { finalStatuses, typeMatches } from "./verify.js";
import type { WebhookReceiver } from "./webhook-receiver.js";

/** A receiver and its subscription. */
export interface Subscriber {
  receiver: WebhookReceiver;
  events: string[];
  storeIds?: string[];
  /** The subscription's id, once created. */
  id?: string;
}

export interface QuiescenceOptions {
  http: HttpClient;
  tailer: EventTailer;
  accepted: readonly PlannedPayment[];
  subscribers: readonly Subscriber[];
  /** The receiver that was down until now. */
  down: Subscriber;
  notifierUrls: () => readonly string[];
  /** Epoch ms: the wait ends here whatever happened. */
  deadline: number;
  settleTimeoutMs: number;
  /** When the last payment was submitted (for the log). */
  submitEnded: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** Final, or waiting for a person: nothing more will happen to it by itself. */
export function isSettled(status: string | undefined): boolean {
  return status !== undefined && (finalStatuses.has(status) || status === "needs_review");
}

/**
 * Quiescence, bounded: every accepted payment final (waited for at most two thirds of the
 * settle time-out), then the down receiver comes back, its dead letters are replayed (again
 * every 10 s: deliveries in their last retry when it came back may have been dead-lettered
 * since), and every subscriber has every matching event. Null times: not reached by `deadline`.
 */
export async function awaitQuiescence(o: QuiescenceOptions): Promise<{ allFinalAt: number | null; webhooksCompleteAt: number | null; deadLettersReplayed: number }> {
  const { tailer, log, signal } = o;
  const allFinal = () => o.accepted.every((p) => isSettled(tailer.latest.get(p.orderNumber)?.status));
  let allFinalAt: number | null = null;
  while (Date.now() < o.deadline - o.settleTimeoutMs / 3 && !signal?.aborted) {
    if (allFinal()) {
      allFinalAt = Date.now();
      break;
    }
    await sleep(1_000);
  }
  log(
    allFinalAt
      ? `all ${o.accepted.length} accepted payments final ${((allFinalAt - o.submitEnded) / 1000).toFixed(1)} s after the last submission`
      : "not every payment is final yet; bringing the down receiver back anyway",
  );

  await o.down.receiver.setMode("ok");
  log("receiver 'down' is up again; replaying its dead letters");
  let deadLettersReplayed = await replayDeadLetters(o.http, o.notifierUrls, o.down);
  let webhooksCompleteAt: number | null = null;
  let lastReplay = Date.now();
  while (Date.now() < o.deadline && !signal?.aborted) {
    await tailer.catchUp(10_000).catch(() => undefined);
    if (allFinalAt === null && allFinal()) allFinalAt = Date.now();
    const missing = o.subscribers.map((s) => missingFor(s, tailer));
    if (allFinalAt !== null && missing.every((m) => m === 0)) {
      webhooksCompleteAt = Date.now();
      break;
    }
    if (Date.now() - lastReplay > 10_000) {
      deadLettersReplayed += await replayDeadLetters(o.http, o.notifierUrls, o.down);
      lastReplay = Date.now();
      log(`waiting: missing webhooks ${o.subscribers.map((s, i) => `${s.receiver.name}=${missing[i]}`).join(" ")}`);
    }
    await sleep(1_000);
  }
  if (signal?.aborted) throw new Error("interrupted");
  log(webhooksCompleteAt === null ? `settle time-out (${o.settleTimeoutMs / 1000} s) reached; checking what there is` : "quiescent; checking");
  return { allFinalAt, webhooksCompleteAt, deadLettersReplayed };
}

function missingFor(s: Subscriber, tailer: EventTailer): number {
  let missing = 0;
  for (const e of tailer.events) {
    if (!typeMatches(s.events, e.type) || (s.storeIds && !s.storeIds.includes(e.storeId))) continue;
    if (!s.receiver.received.has(e.id)) missing++;
  }
  return missing;
}

/** `POST /v1/subscriptions/{id}/dead-letters/replay` on the first notifier that answers; the number replayed. */
async function replayDeadLetters(http: HttpClient, notifierUrls: () => readonly string[], s: Subscriber): Promise<number> {
  for (const base of notifierUrls()) {
    try {
      const res = await http.json<{ replayed: number }>("POST", `${base}/v1/subscriptions/${s.id}/dead-letters/replay`, { token: adminToken });
      if (res.status === 202) return res.body.replayed;
    } catch {
      // try the other notifier
    }
  }
  return 0;
}

import type { SeenEvent } from "./event-tailer.js";
import { finalStatuses } from "./verify.js";

/** The target: every payment open when the gateway recovers is final within this many seconds. */
export const recoveryTargetSeconds = 30;

/** What the gateway's recovery looked like from the event log. */
export interface RecoveryFigure {
  /** Payments that existed at recovery with an outcome still open (their latest event then was not final). */
  unsettledAtRecovery: number;
  /** Seconds from recovery to the last of those reaching a final status; 0 when none was open; null when one never did. */
  secondsToLastSettlement: number | null;
  /** The ones still open at the end (up to `sampleSize`), and how many in all. */
  notSettled: string[];
  notSettledCount: number;
  /** The order that settled last. */
  lastSettled: string | null;
}

/**
 * Seconds from the gateway's recovery (`recoveredAt`, epoch ms) to the last settlement of the
 * payments that were unsettled at that moment, read from the events' own `createdAt` (when the
 * transition was written, not when a poll saw it). A payment's state at recovery is its
 * highest-version event written by then; its settlement is its first event, in version order,
 * to a final status (`needs_review` is not one). Payments created after recovery, and those
 * `counted` leaves out (baits, which wait for the POS, not the gateway), are not counted. Pure.
 */
export function recoveryFigure(
  events: readonly SeenEvent[],
  recoveredAt: number,
  counted: (orderNumber: string) => boolean = () => true,
  sampleSize = 20,
): RecoveryFigure {
  const byOrder = new Map<string, SeenEvent[]>();
  for (const e of events) {
    if (!counted(e.orderNumber)) continue;
    const list = byOrder.get(e.orderNumber) ?? [];
    list.push(e);
    byOrder.set(e.orderNumber, list);
  }
  let unsettled = 0;
  let last: { orderNumber: string; at: number } | null = null;
  const notSettled: string[] = [];
  let notSettledCount = 0;
  for (const [orderNumber, list] of byOrder) {
    list.sort((a, b) => a.version - b.version);
    const before = list.filter((e) => e.at <= recoveredAt);
    const atRecovery = before[before.length - 1];
    if (!atRecovery || finalStatuses.has(atRecovery.status)) continue;
    unsettled++;
    const settlement = list.find((e) => e.version > atRecovery.version && finalStatuses.has(e.status));
    if (!settlement) {
      notSettledCount++;
      if (notSettled.length < sampleSize) notSettled.push(`${orderNumber} (${list[list.length - 1]?.status})`);
      continue;
    }
    if (!last || settlement.at > last.at) last = { orderNumber, at: settlement.at };
  }
  const seconds = notSettledCount > 0 ? null : last ? Math.max(0, last.at - recoveredAt) / 1000 : 0;
  return { unsettledAtRecovery: unsettled, secondsToLastSettlement: seconds, notSettled, notSettledCount, lastSettled: last?.orderNumber ?? null };
}

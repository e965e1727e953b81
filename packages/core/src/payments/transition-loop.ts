import type { TransitionSource } from "./payment.js";

/** A resource's state machine, as the contract gives it (payments, refunds). */
export interface StatusRules<S extends string> {
  isFinal(status: S): boolean;
  canTransition(from: S, to: S): boolean;
  /** The gateway shows a success for a resource held as final and failed: recorded for a person, never dropped. */
  isContradiction(from: S, to: S): boolean;
}

/** What a caller asks for: the status to move to and who says so. */
export interface StatusChange<S extends string> {
  to: S;
  source: TransitionSource;
  code?: string;
  reason?: string;
  /** The operator's name, recorded in the history entry (`source: "operator"`). */
  operator?: string;
}

/** The history entry of a step, as both resources record it: absent facts are left out. */
export interface StepEntry<S extends string> {
  status: S;
  at: string;
  source: TransitionSource;
  code?: string;
  reason?: string;
  operator?: string;
}

/** The history entry `step` writes at `at` (ISO): its status, source, and its code, reason and operator when given. */
export function stepEntry<S extends string>(step: StatusChange<S>, at: string): StepEntry<S> {
  const entry: StepEntry<S> = { status: step.to, at, source: step.source };
  if (step.code !== undefined) entry.code = step.code;
  if (step.reason !== undefined) entry.reason = step.reason;
  if (step.operator !== undefined) entry.operator = step.operator;
  return entry;
}

/** How the store's compare-and-set script answered one attempt. */
export type StepWrite<R> =
  | { outcome: "applied"; next: R; eventId: string }
  /** The stored status is final (`final`) or waits for an operator: nothing but an operator moves it. */
  | { outcome: "not_found" | "final" | "awaiting_operator" | "conflict" };

export type LoopResult<R> =
  | { outcome: "applied"; resource: R; eventId: string }
  | { outcome: "unchanged"; resource: R; reason: "same_status" | "not_allowed" | "final" | "awaiting_operator" }
  | { outcome: "not_found" };

export interface TransitionLoopOptions<S extends string, R extends { status: S; version: number }, C extends StatusChange<S>> {
  /** Names the resource in the error thrown when concurrent changes never let one through. */
  name: string;
  rules: StatusRules<S>;
  change: C;
  /** The resource as the caller last read it: tried first without a read of its own. */
  current?: R | undefined;
  read: () => Promise<R | undefined>;
  /** What a contradiction becomes (`needs_review`, both facts in its reason). */
  contradictionStep: (current: R, change: C) => C;
  /** Builds the next version from `current` and writes it in one compare-and-set step. */
  write: (current: R, step: C, contradiction: boolean) => Promise<StepWrite<R>>;
}

const maxCasAttempts = 20;

/**
 * The one decision loop of every status change (payments, refunds): decide on the resource,
 * write with a compare-and-set on its version, and on a lost race re-read and decide again, so
 * that concurrent changes (a notice racing a query) are harmless in either order. "Unchanged" is
 * only ever decided on a fresh read (a caller's copy may be stale); a final status never moves,
 * except for a gateway contradiction, which the store's script records as `needs_review` and
 * then leaves to an operator.
 */
export async function transitionLoop<S extends string, R extends { status: S; version: number }, C extends StatusChange<S>>(
  options: TransitionLoopOptions<S, R, C>,
): Promise<LoopResult<R>> {
  const { rules, change } = options;
  let given = options.current;
  for (let attempt = 0; attempt < maxCasAttempts; attempt++) {
    const current = given ?? (await options.read());
    const fresh = given === undefined;
    given = undefined;
    if (!current) return { outcome: "not_found" };
    const contradiction = rules.isContradiction(current.status, change.to);
    if (rules.isFinal(current.status) && !contradiction) {
      // A final status only ever leaves for a contradiction's review, which only an operator ends:
      // for anyone else even a caller's copy proves "unchanged".
      if (!fresh && change.source === "operator") continue;
      return { outcome: "unchanged", resource: current, reason: "final" };
    }
    const step = contradiction ? options.contradictionStep(current, change) : change;
    if (!contradiction && (current.status === step.to || !rules.canTransition(current.status, step.to))) {
      if (!fresh) continue; // the caller's copy may be stale: decide "unchanged" on a fresh read only
      return { outcome: "unchanged", resource: current, reason: current.status === step.to ? "same_status" : "not_allowed" };
    }
    const written = await options.write(current, step, contradiction);
    switch (written.outcome) {
      case "applied":
        return { outcome: "applied", resource: written.next, eventId: written.eventId };
      case "not_found":
        return { outcome: "not_found" };
      case "final":
      case "awaiting_operator":
        if (!fresh) continue; // return the stored resource, not the caller's copy
        return { outcome: "unchanged", resource: current, reason: written.outcome };
      case "conflict":
        continue; // the version moved under us; re-read and decide again
      default:
        return written satisfies never;
    }
  }
  throw new Error(`${options.name}: too many concurrent transitions`);
}

/** What a contradiction's sides say: the status we held, and the gateway's attempt id and code on each side. */
export interface ContradictionFacts {
  resource: "payment" | "refund";
  /** The gateway's name of the attempt id (`payment_id`, `refund_id`). */
  idField: string;
  held: { status: string; id?: string | undefined; code?: string | undefined };
  success: { id?: string | undefined; code?: string | undefined };
}

/** The history reason of a contradiction's `needs_review`: what the gateway showed, and what we held. */
export function contradictionReason(facts: ContradictionFacts): string {
  const list = (side: { id?: string | undefined; code?: string | undefined }) =>
    [side.id && `${facts.idField} ${side.id}`, side.code && `code ${side.code}`].filter(Boolean);
  const held = list(facts.held);
  const success = list(facts.success);
  return (
    `gateway shows a success${success.length > 0 ? ` (${success.join(", ")})` : ""} for a ${facts.resource} held as ${facts.held.status}` +
    `${held.length > 0 ? ` (${held.join(", ")})` : ""}: a person must settle it`
  );
}

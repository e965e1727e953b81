import { z } from "zod";

const rate = z.number().min(0).max(1);

/**
 * Fault injection settings (`POST /sandbox/faults`). Rates are probabilities per request (or per
 * notice); a rate of 1 always fires, 0 never does and draws no random number.
 */
export const FaultSettings = z
  .object({
    /** Added before every protocol request is processed. */
    latencyMs: z.number().int().min(0).max(60_000),
    /** HTTP 500 without processing anything (nothing charged). */
    errorRate: rate,
    /** Processed (the charge is taken), then no answer at all until the client gives up. */
    timeoutRate: rate,
    /** Processed (the charge is taken), then the connection is reset. */
    resetAfterChargeRate: rate,
    /** Each notice is delivered twice. */
    noticeDuplicateRate: rate,
    /** After an attempt's final notice, a stale pending notice for it follows. */
    noticeReorder: z.boolean(),
    /** Wait before the first delivery attempt of each notice. */
    noticeDelayMs: z.number().int().min(0).max(600_000),
    /** No notice is sent at all. */
    noticeDrop: z.boolean(),
    /** signValue of pay answers, query answers (every paymentInfo) and notices is corrupted. */
    badSignatureRate: rate,
  })
  .strict();
export type FaultSettings = z.infer<typeof FaultSettings>;

/** A partial update: `POST /sandbox/faults` merges what it names into the current settings. */
export const FaultUpdate = FaultSettings.partial().strict();
export type FaultUpdate = z.infer<typeof FaultUpdate>;

export const noFaults: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  resetAfterChargeRate: 0,
  noticeDuplicateRate: 0,
  noticeReorder: false,
  noticeDelayMs: 0,
  noticeDrop: false,
  badSignatureRate: 0,
});

/** The current fault settings and the dice they are rolled with. */
export class Faults {
  private settings: Readonly<FaultSettings> = noFaults;

  /** @param random returns [0, 1); tests pass a constant so every roll is decided in advance. */
  constructor(private readonly random: () => number = Math.random) {}

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** Merges an update (already validated) and returns the resulting settings. */
  set(update: FaultUpdate): Readonly<FaultSettings> {
    this.settings = Object.freeze({ ...this.settings, ...stripUndefined(update) });
    return this.settings;
  }

  clear(): Readonly<FaultSettings> {
    this.settings = noFaults;
    return this.settings;
  }

  /** True with probability `rate`. A zero rate consumes no random number. */
  roll(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }
}

function stripUndefined(update: FaultUpdate): Partial<FaultSettings> {
  return Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as Partial<FaultSettings>;
}

/** Knobs of one chaos run. */
export interface ChaosOptions {
  /** Payments planned (both stores, both modes). */
  payments: number;
  /** Payments per second pushed through intake. */
  ratePerSec: number;
  /** Largest batch sent to `POST /v1/payments/batch`. */
  maxBatch: number;
  /** After the last payment was submitted: how long to wait for every payment to be final and every webhook delivered. */
  settleTimeoutMs: number;
  /** WEBHOOK_RETRY_SCALE: with 0.001 the 5 s … 10 h schedule takes about 100 s in all. */
  webhookRetryScale: number;
  /** SANDBOX_AUTO_PAY_MS. */
  autoPayMs: number;
  /** SANDBOX_PENDING_MS. */
  pendingMs: number;
  /** LOG_LEVEL of the services (their logs go to files). */
  logLevel: string;
  /** Seed of the plan and of every random choice of the runner. */
  seed: number;
  /**
   * The gateway-failure burst after the other disruptions: this long with `outageFailureRate` of
   * gateway calls failing (5xx, time-outs, resets after charge) and notices dropped, while payments
   * keep arriving at `ratePerSec` (they are added to the plan); then healthy.
   */
  outageMs: number;
  /** Share of gateway calls failing during the burst. */
  outageFailureRate: number;
  /** In-flight payments the forged-notice attacker goes after (one at a time, spread over the submission). */
  attackTargets: number;
  /** Baits: payments the gateway holds pending (never charged) until the run voids them; the attacker's steady targets. */
  baits: number;
  /** Share of the succeeded payments refunded in the refund phase (`refund-phase.ts`); 0 skips it. */
  refundShare: number;
}

/** `npm run chaos`: ≥ 10 000 payments. */
export const fullRun: Readonly<ChaosOptions> = Object.freeze({
  payments: 10_000,
  ratePerSec: 40,
  maxBatch: 200,
  settleTimeoutMs: 600_000,
  webhookRetryScale: 0.001,
  autoPayMs: 400,
  pendingMs: 1_000,
  logLevel: "warn",
  seed: 1,
  outageMs: 60_000,
  outageFailureRate: 0.3,
  attackTargets: 300,
  baits: 20,
  refundShare: 0.3,
});

/** The version inside `npm test`: same script, a few hundred payments, about two minutes. */
export const shortRun: Readonly<ChaosOptions> = Object.freeze({
  payments: 300,
  ratePerSec: 15,
  maxBatch: 40,
  settleTimeoutMs: 90_000,
  webhookRetryScale: 0.0002,
  autoPayMs: 300,
  pendingMs: 800,
  logLevel: "warn",
  seed: 1,
  outageMs: 12_000,
  outageFailureRate: 0.3,
  attackTargets: 40,
  baits: 6,
  refundShare: 0.3,
});

/** `CHAOS_PROFILE=short|full` (default full), overridden field by field by `CHAOS_PAYMENTS`, `CHAOS_RATE`, `CHAOS_OUTAGE_S`, … */
export function optionsFromEnv(env: Record<string, string | undefined>): ChaosOptions {
  const profile = env.CHAOS_PROFILE ?? "full";
  if (profile !== "short" && profile !== "full") throw new Error(`CHAOS_PROFILE must be "short" or "full", not "${profile}"`);
  const o: ChaosOptions = { ...(profile === "short" ? shortRun : fullRun), seed: Date.now() % 1_000_000 };
  const num = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === "") return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number from ${min} to ${max}, not "${raw}"`);
    return n;
  };
  o.payments = num("CHAOS_PAYMENTS", 10, 200_000) ?? o.payments;
  o.ratePerSec = num("CHAOS_RATE", 1, 5_000) ?? o.ratePerSec;
  o.settleTimeoutMs = (num("CHAOS_SETTLE_TIMEOUT_S", 5, 3_600) ?? o.settleTimeoutMs / 1000) * 1000;
  o.seed = num("CHAOS_SEED", 0, 2 ** 31) ?? o.seed;
  o.outageMs = (num("CHAOS_OUTAGE_S", 1, 600) ?? o.outageMs / 1000) * 1000;
  o.refundShare = num("CHAOS_REFUND_SHARE", 0, 1) ?? o.refundShare;
  o.logLevel = env.CHAOS_LOG_LEVEL ?? o.logLevel;
  return o;
}

/** mulberry32: a small seeded PRNG, so a run's plan can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

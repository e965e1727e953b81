import { createHttpApp, registerHttpErrors } from "@oceanpos/core/http";
import { type Logger, createLogger } from "@oceanpos/core/logger";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { registerControlRoutes } from "./control-routes.js";
import { FaultWrapper } from "./fault-wrapper.js";
import { Faults } from "./faults.js";
import type { CredentialsLookup } from "./field-rules.js";
import { registerGatewayRoutes } from "./gateway-routes.js";
import { Ledger } from "./ledger.js";
import { NoticeDispatcher } from "./notice-dispatcher.js";
import { registerOrdersListRoutes } from "./orders-list-routes.js";
import { registerOrphanChargeRoutes } from "./orphan-charge-routes.js";
import { PaymentEngine } from "./payment-engine.js";
import { registerQueryRoutes } from "./query-routes.js";
import { registerRefundControlRoutes } from "./refund-control-routes.js";
import { registerRefundRoutes } from "./refund-routes.js";
import { SandboxMetrics } from "./sandbox-metrics.js";

export interface SandboxOptions {
  /** Terminal → secureCode, or anything with `secureCodeFor` (a `StoreRegistry`). */
  credentials: CredentialsLookup | { secureCodeFor(terminal: string): string | undefined };
  /** Payment codes ending in 7 answer pending and succeed this much later. Default 2 000 ms. */
  pendingMs?: number;
  /** customer_scan QRs are paid automatically after this long. Default: off (only `/sandbox/scan`). */
  autoPayMs?: number;
  /** A filed refund succeeds this long later (when the balance is sufficient). Default 1 000 ms. */
  refundMs?: number;
  /** Where `POST /sandbox/orphan-charge` records a charge that names no terminal. Default the development credentials, `995149` / `99514901`. */
  defaultTerminal?: { account: string; terminal: string };
  /** Default: a silent logger. */
  logger?: Logger;
  /** Epoch milliseconds, for payment ids and `payment_dateTime`. Default `Date.now`. */
  now?: () => number;
  /** [0, 1), rolled for fault rates. Default `Math.random`; tests pass a constant. */
  random?: () => number;
  /** Delay before each notice delivery attempt (its length = attempts). Default 0, 1 s, 3 s, 10 s, 30 s. */
  noticeRetryDelaysMs?: readonly number[];
  /** One notice delivery attempt gives up after this. Default 5 000 ms. */
  noticeTimeoutMs?: number;
  /** Where the `sandbox_*` counters go (the one `/metrics` serves). Default: a private registry. */
  registry?: Registry;
}

export interface Sandbox {
  /** Not yet listening: the caller adds ops routes if it wants them, then `listen`s. */
  app: FastifyInstance;
  ledger: Ledger;
  faults: Faults;
  notices: NoticeDispatcher;
  metrics: SandboxMetrics;
  /** Stops timers and notice delivery, drops connections held by faults, closes the server. Safe twice. */
  close(): Promise<void>;
}

/** Builds the Oceanpayment emulator: protocol endpoints, `/sandbox/…` controls, in-memory state. */
export function buildSandbox(options: SandboxOptions): Sandbox {
  const credentials: CredentialsLookup =
    typeof options.credentials === "function"
      ? options.credentials
      : options.credentials.secureCodeFor.bind(options.credentials);
  const logger = options.logger ?? createLogger({ name: "sandbox", level: "silent" });
  const now = options.now ?? Date.now;
  const faults = new Faults(options.random ?? Math.random);
  const ledger = new Ledger();
  const metrics = new SandboxMetrics(options.registry ?? new Registry());
  const notices = new NoticeDispatcher({
    faults,
    logger,
    retryDelaysMs: options.noticeRetryDelaysMs,
    timeoutMs: options.noticeTimeoutMs,
    metrics,
  });
  const engine = new PaymentEngine({
    ledger,
    notices,
    credentials,
    pendingMs: options.pendingMs ?? 2_000,
    autoPayMs: options.autoPayMs,
    refundMs: options.refundMs ?? 1_000,
    now,
    logger,
    metrics,
  });
  const wrapper = new FaultWrapper(faults, metrics);

  // Per-request lines at debug, not info: benchmarks push thousands of payments a second through this process.
  const app = createHttpApp({ logger, requestLogLevel: "debug" });
  // The controls' and the router's errors in the contract's shape (protocol answers stay XML).
  registerHttpErrors(app, { mediaType: "application/json (controls) or application/x-www-form-urlencoded (protocol)" });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  registerGatewayRoutes(app, { engine, credentials, faults, wrapper, now });
  registerQueryRoutes(app, { ledger, credentials, faults, wrapper });
  registerRefundRoutes(app, { refunds: engine.refunds, credentials, faults, wrapper });
  registerOrdersListRoutes(app, { ledger, credentials, faults, wrapper, now });
  registerControlRoutes(app, { engine, ledger, faults });
  registerRefundControlRoutes(app, { refunds: engine.refunds });
  registerOrphanChargeRoutes(app, { engine, credentials, now, defaultTerminal: options.defaultTerminal ?? { account: "995149", terminal: "99514901" } });

  // Hooks rather than only `close()`, so `app.close()` alone also stops everything.
  app.addHook("preClose", async () => wrapper.releaseHung());
  app.addHook("onClose", async () => {
    engine.close();
    await notices.close();
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    ledger,
    faults,
    notices,
    metrics,
    close: () => (closing ??= app.close()),
  };
}

export { buildSandbox, type Sandbox, type SandboxOptions } from "./build-sandbox.js";
export { createSandbox, type SandboxDeps } from "./sandbox.js";
export { FaultSettings, FaultUpdate, Faults, noFaults } from "./faults.js";
export { Ledger, type LedgerEntry, type Attempt, type AttemptStatus, type Order } from "./ledger.js";
export { NoticeDispatcher, defaultNoticeRetryDelaysMs, type NoticeDispatcherOptions } from "./notice-dispatcher.js";
export { SandboxMetrics, type SandboxEndpoint, type SandboxRequestOutcome, type SandboxNoticeResult } from "./sandbox-metrics.js";
export { resultCodes, publishedCodes, assumedCodes, details, type ResultCode } from "./result-codes.js";
export { type CredentialsLookup, offlineMethods, type OfflineMethod } from "./field-rules.js";

import { join } from "node:path";
import { optionsFromEnv } from "./options.js";
import { formatReport, writeReport } from "./report.js";
import { runChaos } from "./run-chaos.js";
import { repoRoot } from "./service-process.js";

/**
 * `npm run chaos`: the full chaos run (CHAOS_PROFILE=short for the small one; CHAOS_PAYMENTS,
 * CHAOS_RATE, CHAOS_SETTLE_TIMEOUT_S, CHAOS_SEED, CHAOS_LOG_LEVEL override). Writes
 * chaos/results/<timestamp>.json, prints the table, exits 0 only when every count is 0.
 */
const options = optionsFromEnv(process.env);
const controller = new AbortController();
const stamp = () => new Date().toISOString().slice(11, 19);
const log = (line: string) => console.log(`${stamp()} ${line}`);

let interrupted = false;
const onSignal = (name: string) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log(`${name}: stopping every child process and Redis…`);
  controller.abort();
  setTimeout(() => process.exit(130), 15_000).unref();
};
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));

log(`chaos run: ${JSON.stringify(options)}`);
try {
  const report = await runChaos(options, { log, signal: controller.signal });
  const file = writeReport(report, join(repoRoot, "chaos/results"));
  console.log(`\n${formatReport(report)}\nreport: ${file}`);
  process.exit(report.ok ? 0 : 1);
} catch (err) {
  log(interrupted ? "interrupted" : `chaos run failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(interrupted ? 130 : 1);
}

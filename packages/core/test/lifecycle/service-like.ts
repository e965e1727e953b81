/**
 * A process shaped like a service's composition root (`services/*\/src/main.ts`): core's logger on
 * stdout and a `ShutdownCoordinator` whose steps end at once, as a drained HTTP server and idle
 * workers do. `LOG_BURST_BYTES` logs about that much at start (to fill a pipe whose reader
 * stalled). Writes `ready <pid>` on stderr once SIGTERM is handled. Started by
 * `shutdown-with-lost-logs.test.ts`.
 */
import { ShutdownCoordinator } from "../../src/lifecycle/index.js";
import { createLogger } from "../../src/logger/index.js";

const logger = createLogger({ name: "service-like" });
new ShutdownCoordinator({ logger, timeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS) })
  .add("mark-draining", () => {})
  .add("http", () => {})
  .add("redis", () => {})
  .listen();

const burstBytes = Number(process.env.LOG_BURST_BYTES ?? 0);
for (let logged = 0; logged < burstBytes; logged += 1_100) logger.info({ filler: "x".repeat(1_000) }, "burst");
logger.info("ready");
// What a listening server does: keep the process alive until it is told to stop.
setInterval(() => {}, 60_000);
process.stderr.write(`ready ${process.pid}\n`);

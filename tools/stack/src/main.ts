import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { commonDefaults } from "@oceanpos/core/config";
import { loggerOptionsOf, prettyFormatter } from "@oceanpos/core/logger";
import { ledgerDefaults } from "@oceanpos/ledger/config";
import { ensurePostgres, redact } from "./ensure-postgres.js";
import { ensureRedis } from "./ensure-redis.js";
import { prefixLines } from "./log-lines.js";
import { type ServiceSpec, portOf, repoRoot, services } from "./services.js";
import { waitUntilReady } from "./wait-ready.js";

/**
 * `npm start`: the whole stack (sandbox, intake, payer, notifier, ledger) as child processes with
 * prefixed, readable logs, on the Redis at REDIS_URL or on a redis-server child when none answers,
 * and on the PostgreSQL at DATABASE_URL (its database created when missing) or on an embedded
 * PostgreSQL when none answers.
 * Ctrl-C stops everything. `--watch` (`npm run dev`): each service runs under `node --watch` and
 * restarts when a source file it loaded (its own or a package's) changes.
 */
const watch = process.argv.includes("--watch");
const env = { ...process.env };
const out = (line: string) => process.stdout.write(`${line}\n`);
// Colours only on a terminal and without NO_COLOR. The services' lines in their pretty format,
// made here so that colours follow this terminal (they write JSON into the pipe), when LOG_FORMAT
// is "pretty" or unset under NODE_ENV=development; else as they write them (a bad value is
// theirs to refuse).
const colours = process.stdout.isTTY === true && !env.NO_COLOR;
const logFormat = env.LOG_FORMAT ?? loggerOptionsOf({ NODE_ENV: env.NODE_ENV ?? "development", LOG_LEVEL: "info" }).format;
const format = logFormat === "pretty" ? prettyFormatter(colours) : undefined;
const stackLine = (line: string) => out(colours ? `\u001b[1mstack   \u001b[0m │ ${line}` : `stack    │ ${line}`);

const redisUrl = env.REDIS_URL ?? commonDefaults.redisUrl;
const redisDir = resolve(env.INIT_CWD ?? repoRoot, env.STACK_REDIS_DIR ?? ".redis-data");
const redis = await ensureRedis(redisUrl, redisDir).catch((err: Error) => {
  stackLine(err.message);
  process.exit(1);
});
if (redis.child) stackLine(`no Redis answered at ${redisUrl}; started redis-server at ${redis.url} (data in ${redisDir})`);

const databaseUrl = env.DATABASE_URL ?? ledgerDefaults.databaseUrl;
const pgDir = resolve(env.INIT_CWD ?? repoRoot, env.STACK_PG_DIR ?? ".pg-data");
const postgres = await ensurePostgres(databaseUrl, pgDir, { create: env.NODE_ENV !== "production" }).catch(async (err: Error) => {
  stackLine(err.message);
  if (redis.child) await redis.child.stop();
  process.exit(1);
});
if (postgres.child) stackLine(`no PostgreSQL answered at ${redact(databaseUrl)}; started an embedded PostgreSQL at ${postgres.url} (data in ${pgDir})`);
else if (postgres.created) stackLine(`created the database of ${redact(postgres.url)}`);

const sandboxPort = portOf(services[0] as ServiceSpec, env);
const intakePort = portOf(services[1] as ServiceSpec, env);
const notifierPort = portOf(services[3] as ServiceSpec, env);
const childEnv: Record<string, string | undefined> = {
  ...env,
  REDIS_URL: redis.url,
  DATABASE_URL: postgres.url,
  ...(env.STORES_FILE ? { STORES_FILE: resolve(env.INIT_CWD ?? process.cwd(), env.STORES_FILE) } : {}),
  OCEANPAYMENT_GATEWAY_URL: env.OCEANPAYMENT_GATEWAY_URL ?? `http://127.0.0.1:${sandboxPort}`,
  OCEANPAYMENT_QUERY_URL: env.OCEANPAYMENT_QUERY_URL ?? `http://127.0.0.1:${sandboxPort}`,
  NOTICE_URL: env.NOTICE_URL ?? `http://127.0.0.1:${notifierPort}/oceanpayment/notice`,
  ALLOW_PRIVATE_WEBHOOK_URLS: env.ALLOW_PRIVATE_WEBHOOK_URLS ?? "true",
  // The sandbox keeps its charges in memory while .pg-data keeps the archive: a scheduled
  // reconciliation of yesterday would report every archived payment as missing_there.
  RECONCILIATION_AT: env.RECONCILIATION_AT ?? "off",
  // The ledger's console forwards its intake and notifier calls to this stack's own.
  CONSOLE_INTAKE_URL: env.CONSOLE_INTAKE_URL ?? `http://127.0.0.1:${intakePort}`,
  CONSOLE_NOTIFIER_URL: env.CONSOLE_NOTIFIER_URL ?? `http://127.0.0.1:${notifierPort}`,
  INIT_CWD: repoRoot,
  ...(format ? { LOG_FORMAT: "json" } : {}),
};

const children = new Map<string, ChildProcess>();
let stopping = false;

for (const spec of services) {
  // Under --watch a service that crashes waits for a fix instead of exiting: the stack stays up.
  const child = spawn(process.execPath, [...(watch ? ["--watch"] : []), "--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts"], {
    cwd: join(repoRoot, spec.dir),
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.set(spec.name, child);
  const colour = colours ? spec.colour : undefined;
  if (child.stdout) prefixLines(child.stdout, spec.name, colour, out, format);
  if (child.stderr) prefixLines(child.stderr, spec.name, colour, out, format);
  child.on("exit", (code, signal) => {
    children.delete(spec.name);
    if (!stopping) {
      stackLine(`${spec.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the stack`);
      void stop(1);
    }
  });
}

process.once("SIGINT", () => void stop(0));
process.once("SIGTERM", () => void stop(0));

try {
  // STACK_READY_TIMEOUT_MS: a loaded machine (a CI runner sharing its cores) may need longer.
  const readyTimeoutMs = Number(env.STACK_READY_TIMEOUT_MS ?? 60_000);
  await Promise.all(services.map((spec) => waitUntilReady(`http://127.0.0.1:${portOf(spec, env)}/readyz`, readyTimeoutMs)));
} catch (err) {
  stackLine(`the stack did not become ready: ${(err as Error).message}`);
  await stop(1);
}

const intake = `http://127.0.0.1:${intakePort}`;
const ledger = `http://127.0.0.1:${portOf(services[4] as ServiceSpec, env)}`;
const admin = env.ADMIN_TOKEN ?? "demo-admin";
for (const line of [
  "",
  "ready:",
  ...services.map((s) => `  ${s.name.padEnd(9)} http://127.0.0.1:${portOf(s, env)}`),
  `  redis     ${redis.url}`,
  // The embedded server's URL in full (its password is a fixed development one); your own, without its password.
  `  postgres  ${postgres.child ? postgres.url : redact(postgres.url)}`,
  "",
  `Operator console: ${ledger}/console (sign in with ${admin}, or a store's API key for its own payments)`,
  `POS API keys: demo-key (store demo-store), demo-key-2 (store demo-store-2); operator token: ${admin} (admin), demo-support-token (support), demo-finance-token (finance)`,
  `API reference: ${intake}/docs (back office: ${ledger}/docs)`,
  "try:",
  `  curl -s ${intake}/v1/payments -H 'Authorization: Bearer demo-key' -H 'Content-Type: application/json' -H 'Prefer: wait=5' \\`,
  `    -d '{"orderNumber":"DEMO-'$RANDOM'","amount":"12.50","currency":"USD","mode":"merchant_scan","authCode":"134567890123456780"}'`,
  `  curl -s '${ledger}/v1/payments?limit=5' -H 'Authorization: Bearer ${admin}'`,
  `  curl -s '${ledger}/v1/reports/daily?date='$(TZ=Asia/Shanghai date +%F) -H 'Authorization: Bearer demo-key'`,
  "",
  ...(watch ? ["Watching: a service restarts when a source file it loaded changes."] : []),
  "Ctrl-C stops everything.",
]) {
  stackLine(line);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  stackLine("stopping…");
  const exited = [...children.values()].map((child) => new Promise<void>((resolve) => child.once("exit", () => resolve())));
  for (const child of children.values()) child.kill("SIGTERM");
  const deadline = setTimeout(() => {
    for (const child of children.values()) child.kill("SIGKILL");
  }, 8_000);
  await Promise.all(exited);
  clearTimeout(deadline);
  // The services are gone: their databases can stop.
  if (postgres.child) await postgres.child.stop();
  if (redis.child) await redis.child.stop();
  stackLine("stopped");
  process.exit(code);
}

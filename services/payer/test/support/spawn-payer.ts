import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "@oceanpos/testing";
import { storesFile } from "./payer-env.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** Starts `services/payer/src/main.ts` as a child process (the crash suites kill it), ready once `/readyz` answers 200. */
export async function spawnPayer(sandboxUrl: string, redisUrl: string, prefix: string, settings: Record<string, string> = {}): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--conditions=@oceanpos/source", "--import", "tsx", "services/payer/src/main.ts"], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      STORES_FILE: storesFile,
      PAYER_PORT: String(port),
      PAYER_CONCURRENCY: "20",
      PAYER_LOCK_DURATION_MS: "1000",
      PAYER_STALLED_INTERVAL_MS: "500",
      SUBMIT_FEED_CLAIM_IDLE_MS: "1000",
      OCEANPAYMENT_GATEWAY_URL: sandboxUrl,
      OCEANPAYMENT_QUERY_URL: sandboxUrl,
      NOTICE_URL: "http://127.0.0.1:9/notice",
      RECONCILE_SCHEDULE_MS: "100,200,400",
      RECONCILE_TICK_MS: "50",
      GATEWAY_RATE_PER_TERMINAL: "5000",
      GATEWAY_BURST_PER_TERMINAL: "5000",
      ...settings,
    },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`payer exited with ${child.exitCode}: ${stderr}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res?.status === 200;
    },
    { timeoutMs: 15_000, intervalMs: 50, message: "payer child /readyz 200" },
  );
  return { child, exited };
}

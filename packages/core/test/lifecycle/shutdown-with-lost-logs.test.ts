import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { waitFor } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";

/**
 * Issue 15: a service whose log pipe is gone looped for ever writing "shutting down" to it (EPIPE,
 * retried every 100 ms on the main thread) and ignored every further SIGTERM. A lost or stalled
 * log destination must never hold the process: it exits within SHUTDOWN_TIMEOUT_MS.
 */
const fixture = fileURLToPath(new URL("./service-like.ts", import.meta.url));
const shutdownTimeoutMs = 1_500;
/** Scheduling on a busy machine: the deadline is the service's promise, this is the test's patience. */
const slackMs = 3_000;
const serviceArgs = ["--import", "tsx", fixture];
const serviceEnv = { PATH: process.env.PATH, SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) };

/** A process with piped stdout that starts the service and reads its logs, as a supervisor or collector does. */
const parentScript = `
const { spawn } = require("node:child_process");
const [execPath, ...args] = JSON.parse(process.env.SERVICE_COMMAND);
const service = spawn(execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: process.env });
service.stdout.resume();
`;

/** Gone, or a zombie nobody reaps yet (a grandchild re-parented to an init that does not wait). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** The pid a service writes on stderr once it handles SIGTERM. */
async function readyPid(stderr: NodeJS.ReadableStream): Promise<number> {
  let text = "";
  stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const pid = await waitFor(() => /ready (\d+)/.exec(text)?.[1], { timeoutMs: 30_000, intervalMs: 50, message: "the service never became ready" });
  return Number(pid);
}

describe("shutdown with a lost log destination", () => {
  const started: ChildProcess[] = [];
  const pids: number[] = [];
  afterEach(() => {
    for (const pid of pids.splice(0)) if (!gone(pid)) process.kill(pid, "SIGKILL");
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  it("exits within SHUTDOWN_TIMEOUT_MS after the parent reading its stdout was killed", async () => {
    const parent = spawn(process.execPath, ["-e", parentScript], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...serviceEnv, SERVICE_COMMAND: JSON.stringify([process.execPath, ...serviceArgs]) },
    });
    started.push(parent);
    const pid = await readyPid(parent.stderr as NodeJS.ReadableStream);
    pids.push(pid);

    parent.kill("SIGKILL");
    await once(parent, "exit");
    const signalled = Date.now();
    process.kill(pid, "SIGTERM");
    await waitFor(() => gone(pid), {
      timeoutMs: shutdownTimeoutMs + slackMs,
      intervalMs: 25,
      message: `the service was still running ${shutdownTimeoutMs + slackMs} ms after SIGTERM (its log pipe is broken)`,
    });
    expect(Date.now() - signalled).toBeLessThan(shutdownTimeoutMs + slackMs);
  }, 60_000);

  it("exits within SHUTDOWN_TIMEOUT_MS while the reader of its stdout has stopped reading", async () => {
    // 2 MiB of logs: far more than a pipe or socket buffer holds, so the service's writes wait.
    const service = spawn(process.execPath, serviceArgs, { stdio: ["ignore", "pipe", "pipe"], env: { ...serviceEnv, LOG_BURST_BYTES: String(2 * 1024 * 1024) } });
    started.push(service);
    service.stdout?.pause();
    const exited = once(service, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    await readyPid(service.stderr as NodeJS.ReadableStream);

    const signalled = Date.now();
    service.kill("SIGTERM");
    const timedOut = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), shutdownTimeoutMs + slackMs).unref());
    const outcome = await Promise.race([exited, timedOut]);
    expect(outcome, `the service was still running ${shutdownTimeoutMs + slackMs} ms after SIGTERM (its log reader stalled)`).not.toBe("timeout");
    // The steps finished: a clean exit, even though the last lines could not be delivered.
    expect(outcome).toEqual([143, null]);
    expect(Date.now() - signalled).toBeLessThan(shutdownTimeoutMs + slackMs);
  }, 60_000);
});

import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { type Sandbox, type SandboxOptions, buildSandbox } from "../../src/index.js";
import { NoticeReceiver } from "./notice-receiver.js";
import { secureCode, terminal } from "./protocol.js";

export interface RunningSandbox {
  sandbox: Sandbox;
  base: string;
}

/**
 * A listening sandbox with test-speed timings: pending codes succeed after 50 ms, notices are
 * retried every 20 ms, and `random` is 0 (every non-zero fault rate fires, every zero one never).
 */
export async function startSandbox(overrides: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  const sandbox = buildSandbox({
    credentials: (t) => (t === terminal ? secureCode : undefined),
    pendingMs: 50,
    random: () => 0,
    noticeRetryDelaysMs: [0, 20, 20, 20, 20],
    noticeTimeoutMs: 1_000,
    ...overrides,
  });
  await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = sandbox.app.server.address() as AddressInfo;
  return { sandbox, base: `http://127.0.0.1:${port}` };
}

/** A suite's listening sandbox and the notice receiver its payments notify. */
export interface SandboxFixture extends RunningSandbox {
  readonly receiver: NoticeReceiver;
}

/**
 * Starts one sandbox ({@link startSandbox} with `overrides`) and one notice receiver for the
 * enclosing suite (file or `describe`), closed after it. Read its fields inside tests and hooks only.
 */
export function useSandbox(overrides: Partial<SandboxOptions> = {}): SandboxFixture {
  let running: RunningSandbox | undefined;
  let receiver: NoticeReceiver | undefined;
  beforeAll(async () => {
    running = await startSandbox(overrides);
    receiver = await new NoticeReceiver().start();
  });
  afterAll(async () => {
    await running?.sandbox.close();
    await receiver?.close();
  });
  const started = () => {
    if (!running || !receiver) throw new Error("the sandbox runs only inside the suite's tests and hooks");
    return { running, receiver };
  };
  return {
    get sandbox() {
      return started().running.sandbox;
    },
    get base() {
      return started().running.base;
    },
    get receiver() {
      return started().receiver;
    },
  };
}

import type { AddressInfo } from "node:net";
import { type Sandbox, type SandboxOptions, buildSandbox } from "../../src/index.js";
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

import { outageFaults } from "@oceanpos/harness";
import type { ChaosAction } from "./chaos-script.js";
import { type HttpClient, sleep } from "./http-client.js";

/** `POST /sandbox/faults` (merged into the current settings), or `DELETE` with `null` (no faults at all). */
export async function sandboxFaults(http: HttpClient, sandboxUrl: string, body: unknown): Promise<void> {
  const res = await http.json(body === null ? "DELETE" : "POST", `${sandboxUrl}/sandbox/faults`, body === null ? {} : { body });
  if (res.status !== 200) throw new Error(`/sandbox/faults answered ${res.status}: ${JSON.stringify(res.body)}`);
}

export interface GatewayOutageOptions {
  http: HttpClient;
  sandboxUrl: string;
  failingMs: number;
  /** Share of gateway calls failing, split evenly between 5xx, time-outs and resets after charge. */
  failureRate: number;
  /** Awaited before the failures start (the crashed services coming back), so that the recovery is the gateway's alone. */
  before: () => Promise<void>;
  /** Started with the failures: the payments that keep arriving (the action ends once they are all submitted). */
  during: () => Promise<unknown>;
}

/** When the burst ran (epoch ms); `recoveredAt` is set once the faults are cleared. */
export interface OutageTimes {
  startedAt?: number;
  recoveredAt?: number;
}

/**
 * The gateway-failure burst of the money-safety issue (section 4) as the chaos script's last
 * action: `failureRate` of every gateway call fails (the sandbox's 5xx before processing,
 * time-outs and connection resets after the charge, in equal parts, as in `runGatewayOutage`)
 * and every notice is dropped, for `failingMs`, while `during` keeps payments arriving; then the
 * gateway is healthy (every fault cleared).
 */
export function gatewayOutage(o: GatewayOutageOptions): { action: (at: number) => ChaosAction; times: OutageTimes } {
  const times: OutageTimes = {};
  const name = `gateway outage: ${Math.round(o.failureRate * 100)} % of calls failing (5xx, time-outs, resets after charge), notices dropped, ${o.failingMs / 1000} s; then healthy`;
  const action = (at: number): ChaosAction => ({
    at,
    name,
    run: async () => {
      await o.before();
      await sandboxFaults(o.http, o.sandboxUrl, { ...outageFaults(o.failureRate), noticeDrop: true });
      times.startedAt = Date.now();
      let arriving: Promise<unknown> = Promise.resolve();
      try {
        arriving = o.during();
        await sleep(o.failingMs);
      } finally {
        // Taken before the request: the figure measured from it can only be larger, never flattered.
        const clearing = Date.now();
        await sandboxFaults(o.http, o.sandboxUrl, null);
        times.recoveredAt = clearing;
      }
      await arriving;
    },
  });
  return { action, times };
}

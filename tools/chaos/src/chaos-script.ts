import { sleep } from "./http-client.js";

/** One disruption, at a share of the submission window. */
export interface ChaosAction {
  /** 0–1: when, as a share of the time the payments take to submit. */
  at: number;
  name: string;
  run: () => Promise<void>;
}

export interface ActionRecord {
  name: string;
  /** Milliseconds after the submission started. */
  offsetMs: number;
  tookMs: number;
  error?: string;
}

/**
 * Runs the actions in order, each not before its time (a slow restart delays the ones after it).
 * A failing action is recorded and the script goes on: the run must still end and report.
 */
export async function runChaosScript(
  actions: readonly ChaosAction[],
  o: { startedAt: number; windowMs: number; log: (line: string) => void; signal?: AbortSignal },
): Promise<ActionRecord[]> {
  const records: ActionRecord[] = [];
  for (const action of [...actions].sort((a, b) => a.at - b.at)) {
    const due = o.startedAt + action.at * o.windowMs;
    if (due > Date.now()) await sleep(due - Date.now());
    if (o.signal?.aborted) break;
    const began = Date.now();
    const record: ActionRecord = { name: action.name, offsetMs: began - o.startedAt, tookMs: 0 };
    try {
      await action.run();
    } catch (err) {
      record.error = (err as Error).message;
    }
    record.tookMs = Date.now() - began;
    records.push(record);
    o.log(`chaos  +${(record.offsetMs / 1000).toFixed(1)}s  ${action.name} (${record.tookMs} ms)${record.error ? `  FAILED: ${record.error}` : ""}`);
  }
  return records;
}

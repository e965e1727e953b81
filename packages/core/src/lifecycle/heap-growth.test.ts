import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { limitHeapGrowth } from "./heap-growth.js";

const run = promisify(execFile);
const modulePath = fileURLToPath(new URL("./heap-growth.ts", import.meta.url));

/**
 * A process with a steady live set that promotes garbage (objects kept ~100k allocations, long
 * enough to survive the young generation): prints the largest its old space got.
 */
const churn = `
import { getHeapSpaceStatistics } from "node:v8";
const { limitHeapGrowth } = await import(process.argv[1]);
limitHeapGrowth(Number(process.argv[2]));
const live = Array.from({ length: 150_000 }, (_, i) => ({ i, s: "live-" + i }));
const ring = new Array(100_000);
let peak = 0;
for (let i = 0; i < 3_000_000; i++) {
  ring[i % ring.length] = { i, s: "garbage-" + i, a: [i, i + 1] };
  if (i % 10_000 === 0) peak = Math.max(peak, getHeapSpaceStatistics().find((s) => s.space_name === "old_space").space_size);
}
process.stdout.write(JSON.stringify({ peak, live: live.length }));
`;

async function peakOldSpaceMb(percent: number): Promise<number> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", churn, modulePath, String(percent)]);
  return (JSON.parse(stdout) as { peak: number }).peak / 1e6;
}

describe("limitHeapGrowth", () => {
  it("keeps the old generation of a process that promotes garbage well below V8's own growth", { timeout: 90_000 }, async () => {
    // V8's own growth varies from run to run on Node 24 (the same churn peaked at 177 to 235 MB),
    // the limited one much less (139-142 MB): the larger of two runs of each is compared, so that
    // one low run of V8's own cannot fail the test and a limit that did nothing cannot pass it.
    const peakOfTwo = async (percent: number) => Math.max(await peakOldSpaceMb(percent), await peakOldSpaceMb(percent));
    const own = await peakOfTwo(0);
    const limited = await peakOfTwo(100);
    expect(own, "the churn must grow V8's default heap at all").toBeGreaterThan(60);
    expect(limited, `old space peaked at ${limited.toFixed(0)} MB with 100 %, ${own.toFixed(0)} MB without`).toBeLessThan(own * 0.85);
  });

  it("refuses a negative or fractional percentage", () => {
    expect(() => limitHeapGrowth(-1)).toThrow(/whole number of percent/);
    expect(() => limitHeapGrowth(1.5)).toThrow(/whole number of percent/);
  });
});

import { describe, expect, it } from "vitest";
import { authCodeEnding, orderNumber, usePayerEnv } from "./support/payer-env.js";

describe("payer: per-terminal rate limit", () => {
  const env = usePayerEnv();

  it("delays gateway calls beyond the terminal's rate (jobs parked in delayed), and every payment completes", async () => {
    const run = await env.start({ payer: { gatewayRatePerTerminal: 10, gatewayBurstPerTerminal: 2 } });
    const started = Date.now();
    const refs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => run.submit({ orderNumber: orderNumber(`rl${i}`), authCode: authCodeEnding(i % 7) })),
    );
    for (const ref of refs) {
      expect((await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"], 5_000)).status).toBe("succeeded");
      expect(await run.charges(ref.orderNumber)).toBe(1);
    }
    // 2 at once, then 6 more at 10 per second: at least ~500 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    // Each of the six beyond the burst reserved its slot and was parked once, not once per token.
    const parked = await run.counter("payer_rate_limited_total", { operation: "submit" });
    expect(parked).toBeGreaterThan(0);
    expect(parked).toBeLessThanOrEqual(6);
    expect(await run.counter("payer_retries_total")).toBe(0); // a delay is not a failed attempt
  });
});

import { waitFor } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { authCodeEnding, orderNumber, payAtGateway, usePayerEnv } from "./support/payer-env.js";

describe("payer: a charge the gateway shows for a payment held as failed", () => {
  const env = usePayerEnv();

  it("a failed payment a notice asked about is queried once: the other attempt's charge makes it needs_review, for a person", async () => {
    const run = await env.start({ payer: { reconcileIntervalsMs: [50, 60_000] } });
    const ref = await run.submit({ orderNumber: orderNumber("ct"), mode: "customer_scan" });
    await run.waitForStatus(ref, ["awaiting_customer"]);
    await run.scan(ref.orderNumber, "failed");
    const failed = await run.waitForStatus(ref, ["failed", "succeeded", "needs_review"]);
    expect(failed.status).toBe("failed");

    // Another attempt of the same order number succeeds at the gateway (a second till, say)…
    const other = await payAtGateway(run.client, ref.orderNumber, authCodeEnding(0));
    expect(other.kind).toBe("succeeded");
    // …and its notice, which names an attempt the payment does not know, asks for the query.
    await run.payer.schedule.scheduleAt(ref, Date.now());

    const reviewed = await run.waitForStatus(ref, ["needs_review", "succeeded"]);
    expect(reviewed.status).toBe("needs_review");
    expect(reviewed.history.at(-1)).toMatchObject({ status: "needs_review", source: "query", code: "80000" });
    expect(reviewed.history.at(-1)?.reason).toContain("failed");
    expect(await run.charges(ref.orderNumber)).toBe(1);
    expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
  });

  it("a failed payment the gateway still shows failed is asked once and leaves the schedule", async () => {
    const run = await env.start({ payer: { reconcileIntervalsMs: [50, 60_000] } });
    const ref = await run.submit({ orderNumber: orderNumber("cf"), authCode: authCodeEnding(8) });
    const failed = await run.waitForStatus(ref, ["failed", "succeeded", "needs_review"]);
    expect(failed.status).toBe("failed");
    await run.payer.schedule.scheduleAt(ref, Date.now());
    await waitFor(async () => (await run.payer.schedule.dueAt(ref)) === undefined, { timeoutMs: 5_000, message: "the failed payment stayed in the schedule" });
    expect((await run.store.get(ref))?.version).toBe(failed.version);
  });
});

import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, account, apiKeys, auth, customerScan, startHarness } from "./harness.js";

describe("POST /v1/payments/{orderNumber}/void", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  async function paymentIn(status: "accepted" | "awaiting_customer" | "pending" | "succeeded") {
    const body = customerScan();
    await h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(), payload: body });
    const ref = { account, orderNumber: body.orderNumber };
    if (status !== "accepted") await h.payments.transition(ref, { to: "submitting", source: "payer" });
    if (status === "succeeded") await h.payments.transition(ref, { to: "pending", source: "payer" });
    if (status !== "accepted") await h.payments.transition(ref, { to: status, source: "payer" });
    return body.orderNumber;
  }
  const voidIt = (orderNumber: string, key: string = apiKeys.a, headers: Record<string, string> = {}) =>
    h.app.inject({ method: "POST", url: `/v1/payments/${orderNumber}/void`, headers: { ...auth(key), ...headers } });

  it.each(["awaiting_customer", "pending"] as const)("queues one void job for a %s payment and answers 202", async (status) => {
    const orderNumber = await paymentIn(status);
    const res = await voidIt(orderNumber);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ orderNumber, status });
    expect((await voidIt(orderNumber)).statusCode).toBe(202);
    const jobs = await h.queues.void.getJobs(["waiting"]);
    expect(jobs.map((j) => j.id)).toEqual([`void-${account}-${orderNumber}`]);
    expect(jobs[0]?.data).toEqual({ account, orderNumber });
  });

  it("accepts an empty JSON body", async () => {
    const orderNumber = await paymentIn("pending");
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/payments/${orderNumber}/void`,
      headers: { ...auth(), "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(202);
  });

  it.each(["accepted", "succeeded"] as const)("answers 409 invalid_state for a %s payment", async (status) => {
    const orderNumber = await paymentIn(status);
    const res = await voidIt(orderNumber);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("invalid_state");
    expect(res.json().error.message).toContain(status);
    expect(await h.queues.void.getWaitingCount()).toBe(0);
  });

  it("answers 404 for another store's payment", async () => {
    const orderNumber = await paymentIn("pending");
    expect((await voidIt(orderNumber, apiKeys.b)).statusCode).toBe(404);
    expect(await h.queues.void.getWaitingCount()).toBe(0);
  });
});

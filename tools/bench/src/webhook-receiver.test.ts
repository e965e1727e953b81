import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookReceiver } from "./webhook-receiver.js";

describe("WebhookReceiver.latencies", () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(() => receiver?.close());

  it("times each order's first event of a type from its start, skips the others and retries", async () => {
    let clock = 1_000;
    receiver = new WebhookReceiver(undefined, () => clock);
    await receiver.start();
    const deliver = async (id: string, type: string, orderNumber: string, at: number) => {
      clock = at;
      const res = await request(receiver?.url ?? "", { method: "POST", headers: { "webhook-id": id }, body: JSON.stringify({ type, data: { orderNumber } }) });
      await res.body.dump();
      expect(res.statusCode).toBe(204);
    };
    await deliver("e1", "payment.succeeded", "A", 1_050);
    await deliver("e2", "refund.succeeded", "A", 1_300);
    await deliver("e2", "refund.succeeded", "A", 1_900); // a retry: counted, not re-timed
    await deliver("e3", "refund.succeeded", "B", 1_450);
    const started = new Map([["A", 1_100], ["B", 1_200], ["C", 1_250]]);
    expect(receiver.latencies("refund.succeeded", started)).toEqual({ samples: [200, 250], lastAt: 1_450 });
    expect(receiver.latencies("payment.succeeded", started)).toEqual({ samples: [-50], lastAt: 1_050 });
    expect(receiver.latencies("refund.failed", started)).toEqual({ samples: [], lastAt: 0 });
    expect(receiver.duplicates).toBe(1);
  });
});

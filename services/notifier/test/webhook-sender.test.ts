import { once } from "node:events";
import { type IncomingHttpHeaders, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { generateWebhookSecret } from "@oceanpos/core/webhooks";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookSender } from "../src/delivery/webhook-sender.js";
import { UrlGuard } from "../src/delivery/url-guard.js";

describe("WebhookSender", () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it("signs with the very timestamp it sends, even when the clock crosses a second in between", async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.end("ok");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    closers.push(() => new Promise((r) => server.close(() => r())));

    // Every reading of this clock is one second later than the previous one.
    let now = Date.now();
    const clock = () => new Date((now += 1000));
    const sender = new WebhookSender({ guard: new UrlGuard({ allowPrivate: true }), clock });
    closers.push(() => sender.close());
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ id: "evt_1-0", type: "payment.succeeded" });
    const result = await sender.send({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      id: "evt_1-0",
      body,
      secrets: [secret],
    });
    expect(result.statusCode).toBe(200);
    const [delivery] = received;
    expect(() => new Webhook(secret).verify(delivery?.body ?? "", delivery?.headers as Record<string, string>)).not.toThrow();
  });
});

import { getEventListeners, once } from "node:events";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { generateWebhookSecret } from "@oceanpos/core/webhooks";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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

// A receiver on loopback that takes the request and never answers.
describe("WebhookSender's deadline", () => {
  let server: Server;
  let url: string;
  let received = 0;

  beforeAll(async () => {
    server = createServer(() => {
      received++;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const sender = (timeoutMs: number) => new WebhookSender({ guard: new UrlGuard({ allowPrivate: true }), timeoutMs });
  const message = (signal?: AbortSignal) => ({ url, id: "msg_1", body: "{}", secrets: [generateWebhookSecret()], ...(signal ? { signal } : {}) });

  it("gives up after timeoutMs and says it timed out", async () => {
    const s = sender(300);
    const result = await s.send(message());
    await s.close();
    expect(result).toMatchObject({ statusCode: null, error: "timed out" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it("stops at once when the caller aborts (shutdown), before or during the request, and says it was aborted", async () => {
    const s = sender(10_000);
    const during = new AbortController();
    const before = received;
    const sent = s.send(message(during.signal));
    await expect.poll(() => received, { timeout: 5_000 }).toBe(before + 1);
    during.abort();
    expect(await sent).toMatchObject({ statusCode: null, error: "aborted" });
    expect(await s.send(message(AbortSignal.abort()))).toMatchObject({ statusCode: null, error: "aborted" });
    await s.close();
  });

  it("leaves nothing listening on the caller's signal once a request is over", async () => {
    const s = sender(10_000);
    const outer = new AbortController();
    const sent = s.send({ ...message(outer.signal), url: "http://127.0.0.1:1/refused" });
    expect(await sent).toMatchObject({ statusCode: null });
    expect(getEventListeners(outer.signal, "abort")).toEqual([]);
    await s.close();
  });
});

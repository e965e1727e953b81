import { getEventListeners } from "node:events";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UrlGuard } from "./url-guard.js";
import { WebhookSender } from "./webhook-sender.js";

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
  const message = (signal?: AbortSignal) => ({ url, id: "msg_1", body: "{}", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], ...(signal ? { signal } : {}) });

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

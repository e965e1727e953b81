import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { redisConnector } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { freePort, usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Ledger, createLedger } from "../src/ledger.js";
import { testConfig, testStores } from "./harness.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server standing in for the intake or the notifier: answers what it was sent. */
async function echoServer(name: string): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      res.writeHead(req.url?.startsWith("/missing") ? 404 : 201, { "content-type": "application/json", "x-upstream": name });
      res.end(JSON.stringify({ upstream: name, method: entry.method, url: entry.url, body: entry.body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/**
 * A real HTTP server standing in for the notifier's event stream: it answers `text/event-stream`
 * as the notifier does, writes `send(frame)` as it is called, and counts streams still open.
 */
async function sseServer(): Promise<{ server: Server; url: string; seen: Seen[]; send: (frame: string) => void; open: () => number }> {
  const seen: Seen[] = [];
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: "" });
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
    res.write("retry: 2000\n\n");
    streams.add(res);
    res.on("close", () => streams.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    send: (frame) => {
      for (const res of streams) res.write(frame);
    },
    open: () => streams.size,
  };
}

describe("the operator console at /console", () => {
  const db = usePostgres();
  const redis = useRedis();
  const assets = mkdtempSync(join(tmpdir(), "console-assets-"));
  let intake: Awaited<ReturnType<typeof echoServer>>;
  let notifier: Awaited<ReturnType<typeof echoServer>>;
  let ledger: Ledger | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    mkdirSync(join(assets, "assets"));
    writeFileSync(join(assets, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(join(assets, "assets", "index-abc123.js"), "console.log(1)");
    intake = await echoServer("intake");
    notifier = await echoServer("notifier");
  });
  afterAll(async () => {
    rmSync(assets, { recursive: true, force: true });
    await Promise.all([intake, notifier].map((u) => new Promise((resolve) => u.server.close(resolve))));
  });
  afterEach(async () => {
    await ledger?.close();
    ledger = undefined;
  });

  async function start(env: Record<string, string>, assetsDir = assets): Promise<Ledger> {
    const destination = new PassThrough();
    destination.on("data", (c: Buffer) => logged.push(c.toString()));
    ledger = await createLedger(testConfig(db, redis, { CONSOLE_INTAKE_URL: intake.url, CONSOLE_NOTIFIER_URL: `${notifier.url}/`, ...env }), {
      stores: testStores(),
      logger: createLogger({ name: "ledger", level: "debug", destination }),
      connect: redisConnector(redis.url),
      consoleAssetsDir: assetsDir,
    });
    return ledger;
  }

  it("serves index.html for every client route, the hashed assets for good, and 404 for a missing asset", async () => {
    const { app } = await start({});
    const bare = await app.inject({ method: "GET", url: "/console" });
    expect(bare.statusCode).toBe(308);
    expect(bare.headers.location).toBe("/console/");
    for (const url of ["/console/", "/console/payments", "/console/payments/NO-1?storeId=demo-store", "/console/webhooks/sub_1"]) {
      const page = await app.inject({ method: "GET", url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain("<title>console</title>");
      expect(page.headers["cache-control"], url).toBe("no-cache");
      expect(page.headers["content-security-policy"], url).toContain("default-src 'self'");
    }
    const script = await app.inject({ method: "GET", url: "/console/assets/index-abc123.js" });
    expect(script.statusCode).toBe(200);
    expect(script.headers["cache-control"]).toContain("immutable");
    const missing = await app.inject({ method: "GET", url: "/console/assets/gone-123.js" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: "not_found", requestId: missing.headers["request-id"] });
  });

  it("forwards /console/api/intake/* and /console/api/notifier/* with the caller's Authorization and the Request-Id, and never logs the token", async () => {
    const { app } = await start({});
    const token = "operator-secret-token-42";
    const refund = await app.inject({
      method: "POST",
      url: "/console/api/intake/v1/payments/NO-1/refunds?storeId=s1",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "request-id": "console-7" },
      payload: { refundNumber: "R-1", amount: "5.00" },
    });
    expect(refund.statusCode).toBe(201);
    expect(refund.headers["x-upstream"]).toBe("intake");
    expect(refund.json()).toEqual({ upstream: "intake", method: "POST", url: "/v1/payments/NO-1/refunds?storeId=s1", body: '{"refundNumber":"R-1","amount":"5.00"}' });
    expect(intake.seen.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    expect(intake.seen.at(-1)?.headers["request-id"]).toBe("console-7");

    const deliveries = await app.inject({ method: "GET", url: "/console/api/notifier/v1/subscriptions/sub_1/deliveries?eventId=evt_1", headers: { authorization: `Bearer ${token}` } });
    expect(deliveries.json()).toMatchObject({ upstream: "notifier", method: "GET", url: "/v1/subscriptions/sub_1/deliveries?eventId=evt_1" });
    expect(notifier.seen.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    // The service's own answers come back as they are, errors included.
    expect((await app.inject({ method: "GET", url: "/console/api/notifier/missing" })).statusCode).toBe(404);
    expect(logged.join("")).not.toContain(token);
  });

  it("forwards the notifier's live event stream as it is written, ends it upstream when the browser leaves, and still closes promptly", async () => {
    const upstream = await sseServer();
    try {
      const { app } = await start({ CONSOLE_NOTIFIER_URL: upstream.url });
      const base = await app.listen({ port: 0, host: "127.0.0.1" });
      const leave = new AbortController();
      const res = await fetch(`${base}/console/api/notifier/v1/events/stream?token=sst_secret-stream-token`, { headers: { "last-event-id": "evt_1-0" }, signal: leave.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(upstream.seen.at(-1)).toMatchObject({ url: "/v1/events/stream?token=sst_secret-stream-token", headers: { "last-event-id": "evt_1-0" } });
      // Each frame reaches the browser while the response is still open: nothing waits for its end.
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      const until = async (part: string) => {
        const deadline = Date.now() + 5_000;
        while (!text.includes(part)) {
          if (Date.now() > deadline) throw new Error(`the stream did not bring ${JSON.stringify(part)} within 5 s; it brought ${JSON.stringify(text)}`);
          const { value, done } = await reader.read();
          if (done) throw new Error(`the stream ended before ${JSON.stringify(part)}`);
          text += value;
        }
      };
      await until("retry: 2000\n\n");
      upstream.send("id: evt_2-0\nevent: payment.succeeded\ndata: {}\n\n");
      await until("id: evt_2-0");
      expect(upstream.open()).toBe(1);
      // The browser goes: the ledger lets go of the notifier's stream too.
      leave.abort();
      await waitFor(() => upstream.open() === 0, { timeoutMs: 5_000, message: "the upstream stream closed after the browser left" });

      // A stream still open does not hold the ledger's shutdown.
      const again = await fetch(`${base}/console/api/notifier/v1/events/stream`);
      expect(again.status).toBe(200);
      await waitFor(() => upstream.open() === 1, { timeoutMs: 5_000, message: "a second stream open" });
      let timer: NodeJS.Timeout | undefined;
      const held = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("the ledger's close waited for an open event stream for 5 s")), 5_000);
      });
      await Promise.race([ledger?.close(), held]).finally(() => clearTimeout(timer));
      ledger = undefined;
      expect(logged.join("")).not.toContain("sst_secret-stream-token");
    } finally {
      upstream.server.closeAllConnections();
      await new Promise((resolve) => upstream.server.close(resolve));
    }
  });

  it("answers 503 in the contract's shape when a service does not answer, and when the console is not built", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { app } = await start({ CONSOLE_INTAKE_URL: closed }, join(assets, "nothing-here"));
    const down = await app.inject({ method: "GET", url: "/console/api/intake/v1/payments/NO-1", headers: { authorization: "Bearer x" } });
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toMatchObject({ code: "unavailable", message: "the intake did not answer; retry", requestId: down.headers["request-id"] });
    const page = await app.inject({ method: "GET", url: "/console/payments" });
    expect(page.statusCode).toBe(503);
    expect(page.json().error.message).toMatch(/the console is not built: run `npm run build -w @oceanpos\/console`/);
  });

  it("names a bad service URL at start-up", () => {
    expect(() => testConfig(db, redis, { CONSOLE_NOTIFIER_URL: "notifier:3001" })).toThrow(/CONSOLE_NOTIFIER_URL: must be an http:\/\/ or https:\/\/ URL/);
  });
});

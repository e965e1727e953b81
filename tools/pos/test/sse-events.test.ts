import { type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EventStream, type SseEvent } from "../src/sse-events.js";

let server: Server | undefined;
let stream: EventStream | undefined;
afterEach(async () => {
  stream?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A stream server on loopback: 401 without `Bearer good`, else the frames `write` sends. */
async function serve(write: (res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    if (req.headers.authorization !== "Bearer good") {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"unauthorized","message":"no"}}');
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    write(res);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events/stream`;
}

describe("EventStream", () => {
  it("sends the token and yields the followed event types in order, across chunks and heartbeats", async () => {
    const url = await serve((res) => {
      res.write("retry: 2000\n\n: ping\n\n");
      res.write('id: evt_1-0\nevent: payment.pen');
      res.write('ding\ndata: {"a":1}\n\n');
      res.write('id: evt_2-0\nevent: refund.accepted\ndata: {"skip":true}\n\n');
      res.write('id: evt_3-0\nevent: payment.succeeded\ndata: {"a":2}\n\n');
    });
    stream = await EventStream.open({ url, token: "good", types: ["payment.pending", "payment.succeeded"] });
    const seen: SseEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (seen.length === 2) stream.close();
    }
    expect(seen).toEqual([
      { id: "evt_1-0", event: "payment.pending", data: '{"a":1}' },
      { id: "evt_3-0", event: "payment.succeeded", data: '{"a":2}' },
    ]);
  });

  it("fails to open with the notifier's status", async () => {
    const url = await serve(() => {});
    await expect(EventStream.open({ url, token: "bad", types: [] })).rejects.toThrow(/answered 401/);
  });
});

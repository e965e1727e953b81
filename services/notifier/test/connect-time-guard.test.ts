import type { LookupAddress } from "node:dns";
import { once } from "node:events";
import { type AddressInfo, type Server, type Socket, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookSender } from "../src/delivery/webhook-sender.js";
import { UrlGuard } from "../src/delivery/url-guard.js";

/**
 * The address policy at delivery time, against a raw TCP receiver on loopback that records every
 * byte it gets (and answers any request with 204, so that a request that does get through ends
 * quickly instead of waiting for a time-out).
 */
interface Receiver {
  port: number;
  connections: Socket[];
  bytes: Buffer[];
  /** The first connection, once the peer has closed it (bounded). */
  firstClosed(): Promise<void>;
}

describe("webhook delivery: the policy is enforced on the connection", () => {
  const servers: Server[] = [];
  const senders: WebhookSender[] = [];
  afterEach(async () => {
    for (const sender of senders.splice(0)) await sender.close();
    for (const server of servers.splice(0)) {
      server.close();
      await once(server, "close");
    }
  });

  async function receiver(): Promise<Receiver> {
    const connections: Socket[] = [];
    const bytes: Buffer[] = [];
    const server = createServer((socket) => {
      connections.push(socket);
      socket.on("data", (chunk: Buffer) => {
        bytes.push(chunk);
        socket.end("HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
      });
      socket.on("error", () => undefined);
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const firstClosed = async () => {
      const deadline = AbortSignal.timeout(5_000);
      if (!connections[0]) await once(server, "connection", { signal: deadline });
      const first = connections[0] as Socket;
      if (!first.closed) await once(first, "close", { signal: deadline });
    };
    return { port: (server.address() as AddressInfo).port, connections, bytes, firstClosed };
  }

  function sender(guard: UrlGuard): WebhookSender {
    // A short time-out: without the connect-time check, the old code waits this long on an
    // address that goes nowhere and then reports a time-out instead of a refusal.
    const s = new WebhookSender({ guard, timeoutMs: 1_500 });
    senders.push(s);
    return s;
  }

  const message = (url: string) => ({ url, id: "evt_1-0", body: '{"id":"evt_1-0"}', secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] });

  it.each([
    ["IPv4-compatible", "::127.0.0.1"],
    ["6to4", "2002:7f00:1::"],
    ["local-use NAT64", "64:ff9b:1::7f00:1"],
    ["Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2"],
  ])("refuses a name that resolves, at delivery time, to the %s address %s", async (_form, answer) => {
    const r = await receiver();
    let resolved = "93.184.215.14";
    const guard = new UrlGuard({ allowPrivate: false, resolve: async () => [{ address: resolved, family: resolved.includes(":") ? 6 : 4 }] });
    const url = `http://hooks.rebind.test:${r.port}/hook`;
    await guard.check(url); // saved while the name was public
    resolved = answer;
    const result = await sender(guard).send(message(url));
    expect(result.statusCode).toBeNull();
    expect(result.error).toContain(answer);
    expect(result.error).toContain("private, loopback, link-local or reserved");
    expect(r.connections).toHaveLength(0);
  });

  it.each(["[::127.0.0.1]", "[2002:7f00:1::]", "[64:ff9b:1::7f00:1]"])("refuses the IP-literal URL http://%s before connecting", async (host) => {
    const r = await receiver();
    const result = await sender(new UrlGuard({ allowPrivate: false })).send(message(`http://${host}:${r.port}/hook`));
    expect(result.statusCode).toBeNull();
    expect(result.error).toContain("private, loopback, link-local or reserved");
    expect(r.connections).toHaveLength(0);
  });

  /**
   * Stands for any connect path that does not go through the checked lookup (a resolver or
   * library that hands the socket another address): this guard's lookup answers 127.0.0.1
   * without checking it, so only the check of the connected socket's address is left.
   */
  class UncheckedLookupGuard extends UrlGuard {
    override async addressesOf(): Promise<LookupAddress[]> {
      return [{ address: "127.0.0.1", family: 4 }];
    }
  }

  it.each(["http", "https"])("checks the address a %s connection reached and writes nothing to a refused one", async (scheme) => {
    const r = await receiver();
    const result = await sender(new UncheckedLookupGuard({ allowPrivate: false })).send(message(`${scheme}://hooks.elsewhere.test:${r.port}/hook`));
    await r.firstClosed();
    expect(result.statusCode).toBeNull();
    expect(result.error).toContain("address 127.0.0.1 is private");
    expect(r.connections).toHaveLength(1);
    // Not a request line, not a TLS ClientHello.
    expect(Buffer.concat(r.bytes).length).toBe(0);
  });
});

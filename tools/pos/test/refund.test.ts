import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RefundCommand } from "../src/args.js";
import { runRefund } from "../src/refund.js";

/**
 * The intake and the notifier's live stream on loopback, speaking the contract's refund route,
 * payment read and SSE stream: the POS is driven over real HTTP, and the test decides what the
 * stream carries and when.
 */
class Stack {
  readonly requests: Array<{ method: string; url: string; body: string; authorization: string | undefined }> = [];
  private stream: ServerResponse | undefined;
  private streamOpened: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => (this.streamOpened = resolve));
  refundAnswer: { status: number; body: unknown; headers?: Record<string, string> } = { status: 202, body: {} };
  private readonly server: Server = createServer((req, res) => this.onRequest(req, res));

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends one event on the open stream. */
  send(id: string, type: string, data: Record<string, unknown>): void {
    this.stream?.write(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ id, type, createdAt: "2026-01-01T00:00:00.000Z", data })}\n\n`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      this.requests.push({ method: req.method ?? "", url: req.url ?? "", body: Buffer.concat(chunks).toString(), authorization: req.headers.authorization });
      if (req.url === "/v1/events/stream") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(": connected\n\n");
        this.stream = res;
        this.streamOpened();
      } else if (req.method === "POST" && req.url?.endsWith("/refunds")) {
        res.writeHead(this.refundAnswer.status, { "content-type": "application/json", ...this.refundAnswer.headers }).end(JSON.stringify(this.refundAnswer.body));
      } else if (req.method === "GET" && req.url === "/v1/payments/POS-1") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ orderNumber: "POS-1", currency: "USD", refundedAmount: "5.00", refundableAmount: "7.50" }));
      } else {
        res.writeHead(404).end();
      }
    });
  }
}

const stacks: Stack[] = [];
afterEach(async () => {
  for (const s of stacks.splice(0)) await s.close();
});

async function stack(): Promise<Stack> {
  const s = await new Stack().listen();
  stacks.push(s);
  return s;
}

function command(s: Stack, extra: Partial<RefundCommand> = {}): RefundCommand {
  return { command: "refund", orderNumber: "POS-1", amount: "5.00", refundNumber: "R-1", intakeUrl: s.url, notifierUrl: s.url, apiKey: "demo-key", timeoutSec: 10, ...extra };
}

const refund = (status: string, extra: Record<string, unknown> = {}) => ({ orderNumber: "POS-1", refundNumber: "R-1", amount: "5.00", currency: "USD", status, ...extra });

describe("pos refund", () => {
  it("creates the refund after subscribing, follows only its own events to succeeded, and shows what the payment has left", async () => {
    const s = await stack();
    s.refundAnswer = { status: 202, body: refund("accepted") };
    const lines: string[] = [];
    const run = runRefund(command(s, { reason: "damaged" }), (line) => lines.push(line));
    await s.opened;
    await expect.poll(() => s.requests.some((r) => r.method === "POST"), { timeout: 5_000 }).toBe(true);
    s.send("evt_1-0", "payment.succeeded", { orderNumber: "POS-1", status: "succeeded" });
    s.send("evt_2-0", "refund.succeeded", refund("succeeded", { refundNumber: "R-2" }));
    s.send("evt_3-0", "refund.submitting", refund("submitting"));
    s.send("evt_4-0", "refund.pending", refund("pending"));
    s.send("evt_5-0", "refund.succeeded", refund("succeeded", { gateway: { code: "80000", message: "Transaction Approved" } }));
    expect(await run).toBe(0);
    expect(lines).toEqual([
      "POS-1 refund R-1: 5.00 USD → accepted",
      "POS-1 refund R-1: submitting",
      "POS-1 refund R-1: pending",
      "POS-1 refund R-1: succeeded (80000 Transaction Approved)",
      "POS-1: refunded 5.00 USD, refundable 7.50 USD",
    ]);
    const [streamRequest, post] = s.requests;
    expect(streamRequest?.url).toBe("/v1/events/stream");
    expect(post).toMatchObject({ method: "POST", url: "/v1/payments/POS-1/refunds", authorization: "Bearer demo-key" });
    expect(JSON.parse(post?.body ?? "{}")).toEqual({ refundNumber: "R-1", amount: "5.00", reason: "damaged" });
  });

  it("ends with 1 on a failed refund, and on the intake's refusal, which it shows", async () => {
    const s = await stack();
    s.refundAnswer = { status: 202, body: refund("accepted") };
    const run = runRefund(command(s), () => undefined);
    await s.opened;
    await expect.poll(() => s.requests.some((r) => r.method === "POST"), { timeout: 5_000 }).toBe(true);
    s.send("evt_1-0", "refund.failed", refund("failed", { gateway: { code: "80103", message: "Refund failed: insufficient balance" } }));
    expect(await run).toBe(1);

    const refused = await stack();
    refused.refundAnswer = { status: 409, body: { error: { code: "refund_exceeds_payment", message: "…", refundableAmount: "2.50" } } };
    const lines: string[] = [];
    expect(await runRefund(command(refused), (line) => lines.push(line))).toBe(1);
    expect(lines).toEqual([`intake refused the refund (409): {"code":"refund_exceeds_payment","message":"…","refundableAmount":"2.50"}`]);
  });

  it("a replay of a settled refund answers at once; a refund that never settles ends at the time-out", async () => {
    const s = await stack();
    s.refundAnswer = { status: 200, body: refund("succeeded"), headers: { "idempotent-replayed": "true" } };
    const lines: string[] = [];
    expect(await runRefund(command(s), (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toBe("POS-1 refund R-1: 5.00 USD → succeeded (replayed: this refund number exists)");

    const silent = await stack();
    silent.refundAnswer = { status: 202, body: refund("accepted") };
    const waited: string[] = [];
    expect(await runRefund(command(silent, { timeoutSec: 1 }), (line) => waited.push(line))).toBe(1);
    expect(waited.at(-1)).toBe("POS-1 refund R-1: no final status within 1 s");
  });
});

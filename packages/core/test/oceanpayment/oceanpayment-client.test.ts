import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  GatewayRequestInvalidError,
  OceanpaymentClient,
  settle,
  type OceanpaymentClientOptions,
  type PayInput,
} from "../../src/oceanpayment/index.js";
import {
  answerXml,
  closedPort,
  noAttemptInfoXml,
  payResponseXml,
  paymentInfoXml,
  queryAnswerXml,
  sha256,
  startFakeGateway,
  xmlDocument,
  type FakeGateway,
  type GatewayHandler,
} from "./fake-gateway.js";

// Not the sandbox "12345678": that one is a substring of the sample order number, which would blind the log test.
const secureCode = "Zq9-secure-code";
const credentials = { account: "995149", terminal: "99514901", secureCode };
const paymentCode = "134567890123456789";

const payInput = (overrides: Partial<PayInput> = {}): PayInput => ({
  credentials,
  noticeUrl: "https://pos.example.com/notices",
  orderNumber: "NO12345678",
  currency: "USD",
  amount: "12.50",
  billing: { firstName: "test", lastName: "test", email: "test@gmail.com" },
  items: [{ name: "Lunch", sku: "L-1", price: "12.50", quantity: 1 }],
  scan: { mode: "merchant_scans", paymentCode },
  ...overrides,
});

let gateway: FakeGateway | undefined;
let client: OceanpaymentClient | undefined;

afterEach(async () => {
  await client?.close();
  await gateway?.close();
  client = undefined;
  gateway = undefined;
});

async function setup(handler: GatewayHandler, options: Partial<OceanpaymentClientOptions> = {}) {
  gateway = await startFakeGateway(handler);
  client = new OceanpaymentClient({ gatewayUrl: gateway.url, queryUrl: `${gateway.url}/`, ...options });
  return { gateway, client };
}

const answering = (fields: Record<string, string>, signingCode = secureCode): GatewayHandler =>
  (_request, _req, res) => answerXml(res, payResponseXml(fields, signingCode));

describe("OceanpaymentClient.pay", () => {
  it("succeeded: status 1, and the request is the signed form of the wire page", async () => {
    const { gateway, client } = await setup(answering({ payment_status: "1" }));
    const outcome = await client.pay(payInput());
    expect(outcome).toEqual({
      kind: "succeeded",
      paymentId: "240506101548268260914",
      details: { code: "80000", message: "Transaction Approved" },
    });
    const [request] = gateway.requests;
    expect(request?.path).toBe("/gateway/directservice/pay");
    expect(request?.contentType).toBe("application/x-www-form-urlencoded");
    expect(request?.fields.map(([name]) => name).slice(0, 8)).toEqual([
      "account", "terminal", "signValue", "noticeUrl", "order_number", "order_currency", "order_amount", "methods",
    ]);
    expect(request?.form.get("signValue")).toBe(sha256("99514999514901NO12345678USD12.50testtesttest@gmail.com" + secureCode));
    expect(request?.form.get("pay_accountNumber")).toBe(paymentCode);
    expect(request?.form.get("methods")).toBe("");
  });

  it("failed: status 0 with a decline code", async () => {
    const { client } = await setup(answering({ payment_status: "0", payment_details: "80101:Customer cancelled" }));
    expect(await client.pay(payInput())).toMatchObject({ kind: "failed", code: "80101", paymentId: "240506101548268260914" });
  });

  it("pending: status -1 without a bar code (customer confirming)", async () => {
    const { client } = await setup(answering({ payment_status: "-1", payment_details: "80100:Waiting for the customer" }));
    expect(await client.pay(payInput())).toMatchObject({ kind: "pending", paymentId: "240506101548268260914" });
  });

  it("awaiting_customer: customer scans, status -1 with pay_barCode", async () => {
    const barCode = "2024050622001432901441897816";
    const { gateway, client } = await setup(
      answering({ payment_status: "-1", payment_details: "80100:Waiting", methods: "WeChatPay_Offline", pay_barCode: barCode }),
    );
    const outcome = await client.pay(payInput({ scan: { mode: "customer_scans", method: "WeChatPay_Offline" } }));
    expect(outcome).toMatchObject({ kind: "awaiting_customer", barCode, paymentId: "240506101548268260914" });
    expect(gateway.requests[0]?.form.get("methods")).toBe("WeChatPay_Offline");
    expect(gateway.requests[0]?.form.has("pay_accountNumber")).toBe(false);
  });

  it("duplicate_order on 20061, never failed", async () => {
    const { client } = await setup(answering({ payment_status: "0", payment_id: "", payment_details: "20061:Duplicate order" }));
    expect(await client.pay(payInput())).toMatchObject({ kind: "duplicate_order", details: { code: "20061" } });
  });

  it("rejected on 20013 (wrong signature)", async () => {
    const { client } = await setup(answering({ payment_status: "0", payment_id: "", payment_details: "20013:Signature error" }));
    expect(await client.pay(payInput())).toMatchObject({ kind: "rejected", code: "20013" });
  });

  it("ambiguous on 80031", async () => {
    const { client } = await setup(answering({ payment_status: "0", payment_details: "80031:Timeout" }));
    expect(await client.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "gateway_timeout", code: "80031" });
  });

  it("ambiguous, never succeeded, when the signValue does not verify", async () => {
    const { client } = await setup(answering({ payment_status: "1" }, "not-the-secure-code"));
    expect(await client.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "signature_invalid" });
  });

  it("ambiguous when a signed success is for another order or amount", async () => {
    const { client } = await setup(answering({ payment_status: "1", order_amount: "1250" }));
    expect(await client.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "mismatch" });
    await gateway?.close();
    gateway = await startFakeGateway(answering({ payment_status: "1", order_number: "NO99999999" }));
    const other = new OceanpaymentClient({ gatewayUrl: gateway.url, queryUrl: gateway.url });
    try {
      expect(await other.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "mismatch" });
    } finally {
      await other.close();
    }
  });

  it("accepts the same amount written with other padding", async () => {
    const { client } = await setup(answering({ payment_status: "1", order_amount: "12.5" }));
    expect(await client.pay(payInput())).toMatchObject({ kind: "succeeded" });
  });

  it("ambiguous for a 200 answer that is not XML", async () => {
    const { client } = await setup((_r, _req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>Maintenance</body></html>");
    });
    expect(await client.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "unparseable", statusCode: 200 });
  });

  it("ambiguous for a response larger than the limit", async () => {
    const { client } = await setup((_r, _req, res) => answerXml(res, `<response><x>${"a".repeat(2048)}</x></response>`), {
      maxResponseBytes: 1024,
    });
    expect(await client.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "unparseable" });
  });

  it("retryable on HTTP 500 and 429", async () => {
    let status = 500;
    const { client } = await setup((_r, _req, res) => {
      res.writeHead(status);
      res.end("Internal error");
    });
    expect(await client.pay(payInput())).toMatchObject({ kind: "retryable", reason: "http_5xx", statusCode: 500 });
    status = 429;
    expect(await client.pay(payInput())).toMatchObject({ kind: "retryable", reason: "http_429", statusCode: 429 });
  });

  it("retryable when the connection is refused (closed port)", async () => {
    const port = await closedPort();
    client = new OceanpaymentClient({ gatewayUrl: `http://127.0.0.1:${port}`, queryUrl: `http://127.0.0.1:${port}` });
    expect(await client.pay(payInput())).toMatchObject({ kind: "retryable", reason: "not_sent" });
  });

  it("ambiguous when the server reads the request then destroys the socket, and never resent", async () => {
    const { gateway, client } = await setup((_r, req) => req.socket.destroy());
    expect(await client.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "maybe_sent" });
    expect(gateway.requests).toHaveLength(1);
  });

  it("ambiguous when the server never answers within payMs", async () => {
    const { gateway, client } = await setup(() => undefined, { timeouts: { payMs: 150 } });
    expect(await client.pay(payInput())).toMatchObject({ kind: "ambiguous", reason: "timeout" });
    expect(gateway.requests).toHaveLength(1);
  });

  it("throws before sending when the request is invalid", async () => {
    const { gateway, client } = await setup(answering({}));
    await expect(client.pay(payInput({ amount: "0" }))).rejects.toBeInstanceOf(GatewayRequestInvalidError);
    expect(gateway.requests).toHaveLength(0);
  });
});

describe("OceanpaymentClient.query", () => {
  const order = (orderNumber: string) => ({ orderNumber, currency: "USD", amount: "12.50", notes: "" });

  it("asks for every order, reads each answer against what was sent, and groups attempts per order", async () => {
    const { gateway, client } = await setup((_r, _req, res) =>
      answerXml(
        res,
        queryAnswerXml([
          paymentInfoXml({ order_number: "A1", payment_id: "3", payment_results: "0", payment_details: "80101:Cancelled" }, secureCode),
          paymentInfoXml({ order_number: "A1", payment_id: "2" }, secureCode),
          paymentInfoXml({ order_number: "A1", payment_id: "1", payment_results: "-1", payment_details: "", pay_barCode: "2024050622001432901441897816" }, secureCode),
          noAttemptInfoXml("B2"),
        ]),
      ),
    );
    const outcome = await client.query(credentials, [order("A1"), order("B2")]);
    expect(gateway.requests[0]?.path).toBe("/service/check/normal");
    expect(gateway.requests[0]?.form.get("order_number")).toBe("A1,B2");
    expect(gateway.requests[0]?.form.get("signValue")).toBe(sha256(`99514999514901A1,B2${secureCode}`));
    if (outcome.kind !== "answered") throw new Error(`expected answered, got ${outcome.kind}`);
    expect(outcome.signatureMismatches).toBe(0);
    const a1 = outcome.orders.get("A1");
    expect(a1?.kind === "attempts" && a1.attempts.map((a) => [a.paymentId, a.result])).toEqual([["3", "failed"], ["2", "succeeded"], ["1", "pending"]]);
    expect(settle(a1)).toMatchObject({ status: "succeeded", attempt: { paymentId: "2" } });
    expect(settle(outcome.orders.get("B2"))).toEqual({ status: "no_attempt" });
  });

  it("required signatures: an attempt whose signValue does not verify settles nothing; optional (default) uses it and warns", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString("utf8")), cb()) }));
    const handler: GatewayHandler = (_r, _req, res) => answerXml(res, queryAnswerXml([paymentInfoXml({ order_number: "A1" }, "another-code")]));
    const { client } = await setup(handler, { queryAnswerSignature: "required" });
    const strict = await client.query(credentials, [order("A1")]);
    expect(strict.kind === "answered" && settle(strict.orders.get("A1"))).toMatchObject({ status: "unclear", failure: { reason: "signature_invalid" } });
    const lenient = new OceanpaymentClient({ gatewayUrl: gateway?.url ?? "", queryUrl: gateway?.url ?? "", logger });
    try {
      const outcome = await lenient.query(credentials, [order("A1")]);
      expect(outcome.kind === "answered" && settle(outcome.orders.get("A1"))).toMatchObject({ status: "succeeded" });
      expect(lines.some((line) => line.includes("signValue does not verify"))).toBe(true);
    } finally {
      await lenient.close();
    }
  });

  it("rejected when the gateway refuses the query", async () => {
    const { client } = await setup((_r, _req, res) =>
      answerXml(res, xmlDocument({ query_status: "0", query_details: "20013:Signature error" })),
    );
    expect(await client.query(credentials, [order("A1")])).toMatchObject({ kind: "rejected", code: "20013" });
  });

  it("throws for more than 100 order numbers", async () => {
    const { client } = await setup(() => undefined);
    await expect(client.query(credentials, Array.from({ length: 101 }, (_, i) => order(`N${i}`)))).rejects.toBeInstanceOf(GatewayRequestInvalidError);
  });
});

describe("OceanpaymentClient.void and refund", () => {
  it("voided, and refused when already paid", async () => {
    let details = "80102:Order voided";
    let status = "1";
    const { gateway, client } = await setup((_r, _req, res) =>
      answerXml(res, xmlDocument({ account: "995149", terminal: "99514901", order_number: "NO1", payment_authType: "3", void_status: status, void_details: details })),
    );
    expect(await client.void(credentials, "NO1")).toMatchObject({ kind: "voided" });
    expect(gateway.requests[0]?.path).toBe("/gateway/service/auth");
    expect(gateway.requests[0]?.form.get("payment_authType")).toBe("3");
    status = "0";
    details = "20070:Order already paid";
    expect(await client.void(credentials, "NO1")).toMatchObject({ kind: "refused", code: "20070" });
  });

  it("refund accepted, and ambiguous (not retryable) on 5xx", async () => {
    let fail = false;
    const { gateway, client } = await setup((_r, _req, res) => {
      if (fail) {
        res.writeHead(502);
        res.end();
        return;
      }
      answerXml(res, xmlDocument({ account: "995149", terminal: "99514901", payment_id: "P1", refund_number: "R1", refund_id: "RF9", refund_results: "1", refund_details: "00000:Accepted" }));
    });
    const input = { credentials, paymentId: "P1", refundNumber: "R1", refundType: "full" as const, amount: "12.50" };
    expect(await client.refund(input)).toMatchObject({ kind: "accepted", refundId: "RF9" });
    expect(gateway.requests[0]?.path).toBe("/service/applyRefund");
    fail = true;
    expect(await client.refund(input)).toMatchObject({ kind: "ambiguous", reason: "http_5xx", statusCode: 502 });
  });
});

describe("OceanpaymentClient lifecycle and logs", () => {
  it("close() is safe twice; calls after close are retryable and send nothing", async () => {
    const { gateway, client } = await setup(answering({}));
    await client.close();
    await client.close();
    expect(await client.pay(payInput())).toMatchObject({ kind: "retryable", reason: "client_closed" });
    expect(gateway.requests).toHaveLength(0);
  });

  it("does not close an injected dispatcher", async () => {
    const { Agent } = await import("undici");
    const dispatcher = new Agent();
    const { client } = await setup(answering({ payment_status: "1" }), { dispatcher });
    await client.close();
    expect(dispatcher.closed).toBe(false);
    await dispatcher.close();
  });

  it("logs order number, endpoint, outcome, status and latency, never secrets", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString("utf8"));
        callback();
      },
    });
    const logger = pino({ level: "info" }, destination);
    const { gateway, client } = await setup(answering({ payment_status: "1" }), { logger });
    await client.pay(payInput());
    const signValue = gateway.requests[0]?.form.get("signValue") ?? "missing";
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ orderNumber: "NO12345678", endpoint: "/gateway/directservice/pay", outcome: "succeeded", statusCode: 200 });
    expect(typeof line.latencyMs).toBe("number");
    const text = lines.join("");
    for (const secret of [secureCode, signValue, paymentCode]) expect(text).not.toContain(secret);
  });
});

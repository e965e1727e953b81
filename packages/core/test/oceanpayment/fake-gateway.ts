import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the fake gateway received it: path, field order and values. */
export interface ReceivedRequest {
  path: string;
  contentType: string | undefined;
  fields: Array<[string, string]>;
  form: URLSearchParams;
}

export type GatewayHandler = (request: ReceivedRequest, req: IncomingMessage, res: ServerResponse) => void;

export interface FakeGateway {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, random port; the handler decides how to (not) answer. */
export async function startFakeGateway(handler: GatewayHandler): Promise<FakeGateway> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const received = { path: req.url ?? "", contentType: req.headers["content-type"], fields: [...form.entries()], form };
      requests.push(received);
      handler(received, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was just listening and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Independent of the code under test: the documented `paymentResult` order, secureCode last. */
const paymentResultOrder = [
  "account", "terminal", "order_number", "order_currency", "order_amount", "order_notes", "card_number",
  "payment_id", "payment_authType", "payment_status", "payment_details", "payment_risk",
] as const;

/**
 * The agreed (assumed, unpublished) sign string of a query answer's `paymentInfo`, restated here:
 * account, terminal, order_number, order_currency, order_amount, order_notes, payment_id,
 * payment_results, payment_details, payment_risk, then the secureCode.
 */
const queryAnswerOrder = [
  "account", "terminal", "order_number", "order_currency", "order_amount", "order_notes",
  "payment_id", "payment_results", "payment_details", "payment_risk",
] as const;

export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

export function xmlDocument(fields: Record<string, string>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => `  <${name}>${value}</${name}>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response>\n${body}\n</response>`;
}

/** A pay response as the wire page shows it, signed with `secureCode`. */
export function payResponseXml(fields: Record<string, string>, secureCode: string): string {
  const all: Record<string, string> = {
    account: "995149",
    terminal: "99514901",
    order_number: "NO12345678",
    order_currency: "USD",
    order_amount: "12.50",
    order_notes: "",
    card_number: "",
    payment_id: "240506101548268260914",
    payment_authType: "0",
    payment_status: "1",
    payment_details: "80000:Transaction Approved",
    payment_risk: "",
    methods: "",
    pay_barCode: "",
    ...fields,
  };
  const signValue = sha256(paymentResultOrder.map((name) => all[name] ?? "").join("") + secureCode);
  return xmlDocument({ account: all.account ?? "", terminal: all.terminal ?? "", signValue, ...all });
}

export function answerXml(res: ServerResponse, xml: string, statusCode = 200): void {
  res.writeHead(statusCode, { "content-type": "text/xml; charset=utf-8" });
  res.end(xml);
}

/**
 * One `paymentInfo` of a query answer in the published element order (query-answer.xml), signed
 * with `secureCode` unless `fields.signValue` is given. Defaults: a successful attempt of
 * NO12345678, 12.50 USD on the sandbox terminal.
 */
export function paymentInfoXml(fields: Record<string, string>, secureCode: string): string {
  const all: Record<string, string> = {
    account: "995149",
    terminal: "99514901",
    order_number: "NO12345678",
    order_currency: "USD",
    order_amount: "12.50",
    order_notes: "",
    methods: "WeChatPay_Offline",
    payment_id: "240506101548268260914",
    payment_results: "1",
    payment_details: "80000:Transaction Approved",
    payment_risk: "",
    payment_dateTime: "2024-05-06 10:15:48",
    payment_debitTime: "2024-05-06 10:15:48",
    pay_barCode: "",
    auth_status: "0",
    refund_status: "0",
    refundList: "",
    chargeBack_status: "0",
    chargeBackList: "",
    duplicate_status: "0",
    transactionList: "",
    update_status: "0",
    ...fields,
  };
  const signValue = fields.signValue ?? sha256(queryAnswerOrder.map((name) => all[name] ?? "").join("") + secureCode);
  const { account = "", terminal = "", ...rest } = all;
  const elements = Object.entries({ account, terminal, signValue, ...rest }).map(([name, value]) => `<${name}>${value}</${name}>`);
  return `<paymentInfo>${elements.join("")}</paymentInfo>`;
}

/** The agreed "no attempt" placeholder: order number, account, terminal, every attempt field empty, unsigned. */
export function noAttemptInfoXml(orderNumber: string, account = "995149", terminal = "99514901"): string {
  return `<paymentInfo><account>${account}</account><terminal>${terminal}</terminal><signValue></signValue><order_number>${orderNumber}</order_number><order_currency></order_currency><order_amount></order_amount><order_notes></order_notes><methods></methods><payment_id></payment_id><payment_results></payment_results><payment_details></payment_details><payment_risk></payment_risk><pay_barCode></pay_barCode></paymentInfo>`;
}

export function queryAnswerXml(infos: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response>\n${infos.join("\n")}\n</response>`;
}

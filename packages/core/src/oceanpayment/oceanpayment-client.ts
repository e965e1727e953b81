import type { Logger } from "pino";
import type { OceanpaymentSettings } from "../config/oceanpayment-env.js";
import { Agent, type Dispatcher } from "undici";
import { buildOrdersListForm, type OrdersListRequest } from "./build-orders-list-form.js";
import { buildPayForm, type PayInput } from "./build-pay-form.js";
import { buildQueryForm } from "./build-query-form.js";
import { buildRefundForm, buildRefundQueryForm, type RefundInput } from "./build-refund-form.js";
import { buildVoidForm } from "./build-void-form.js";
import { endpointUrl, oceanpaymentPaths, type OceanpaymentEndpoint } from "./endpoints.js";
import type { FormFields } from "./form-fields.js";
import type { GatewayFailure } from "./gateway-failure.js";
import { classifyPayResponse, type PayOutcome } from "./pay-outcome.js";
import { classifyOrdersListResponse, type OrdersListOutcome } from "./orders-list-answer.js";
import { postForm } from "./post-form.js";
import type { QueryAnswerSignature } from "./query-answer.js";
import { classifyQueryResponse, type QueryOutcome } from "./query-outcome.js";
import { classifyRefundResponse, type RefundOutcome } from "./refund-outcome.js";
import { classifyRefundQueryResponse, type RefundQueryExpectation, type RefundQueryOutcome } from "./refund-query-outcome.js";
import type { OceanpaymentCredentials } from "./request-validation.js";
import type { SentOrder } from "./result-fields.js";
import { classifyVoidResponse, type VoidOutcome } from "./void-outcome.js";
import { defaultMaxXmlBytes } from "./xml-parser.js";

export interface OceanpaymentTimeouts {
  /** TCP/TLS connect time-out of the default dispatcher (ignored with an injected one). Default 5 000. */
  connectMs?: number;
  /** Overall deadline of pay, void and refund calls (they move money). Default 30 000. */
  payMs?: number;
  /** Overall deadline of a query. Default 10 000. */
  queryMs?: number;
}

export interface OceanpaymentClientOptions {
  /** Gateway base URL (pay, void), e.g. `https://secure.oceanpayment.com`. */
  gatewayUrl: string;
  /** Order-management base URL (query, refund), e.g. `https://query.oceanpayment.com`. */
  queryUrl: string;
  /**
   * undici dispatcher to send through; the client never closes an injected one. Default: one
   * undici `Agent` (a keep-alive pool per origin) owned by the client and closed by `close()`.
   */
  dispatcher?: Dispatcher;
  timeouts?: OceanpaymentTimeouts;
  /** Largest pay/void/refund response read. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Largest query response read (up to 100 orders with several attempts). Default 1 MiB. */
  maxQueryResponseBytes?: number;
  /**
   * How much a query attempt's (and a queryRefund answer's) `signValue` is trusted (its sign string is assumed, not published):
   * `optional` uses an attempt whose signature does not verify when every other check passes, and
   * logs it at warn; `required` treats it as no answer for that order. Default `optional`.
   */
  queryAnswerSignature?: QueryAnswerSignature;
  /** Gets order number, endpoint, outcome kind and reason, status code and latency: nothing else. */
  logger?: Logger;
  /** Time source for latency. Default `() => new Date()`. */
  clock?: () => Date;
}

interface Call<T> {
  endpoint: OceanpaymentEndpoint;
  /** What the log line names the call by (order number(s) or refund number): never a secret. */
  logId: Record<string, string | readonly string[]>;
  fields: FormFields;
  timeoutMs: number;
  maxBytes: number;
  moneyOut?: boolean;
  classify: (body: Uint8Array, statusCode: number) => T;
}

/**
 * Speaks Oceanpayment's face-to-face API and turns every answer, or its absence, into a typed
 * outcome. Methods never throw for gateway or network trouble (only for an invalid request, before
 * sending); the payer branches on `kind` and maps it to errors with `payOutcomeError` & co.
 */
export class OceanpaymentClient {
  private readonly gatewayUrl: string;
  private readonly queryUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly payMs: number;
  private readonly queryMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxQueryResponseBytes: number;
  private readonly queryAnswerSignature: QueryAnswerSignature;
  private readonly logger: Logger | undefined;
  private readonly clock: () => Date;
  private closing: Promise<void> | undefined;

  constructor(options: OceanpaymentClientOptions) {
    this.gatewayUrl = options.gatewayUrl;
    this.queryUrl = options.queryUrl;
    this.payMs = options.timeouts?.payMs ?? 30_000;
    this.queryMs = options.timeouts?.queryMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? defaultMaxXmlBytes;
    this.maxQueryResponseBytes = options.maxQueryResponseBytes ?? 1024 * 1024;
    this.queryAnswerSignature = options.queryAnswerSignature ?? "optional";
    this.logger = options.logger;
    this.clock = options.clock ?? (() => new Date());
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: options.timeouts?.connectMs ?? 5_000 },
        // Short idle life: a socket the server already closed yields an ambiguous reset on reuse.
        keepAliveTimeout: 4_000,
        pipelining: 1,
        // undici 8 negotiates HTTP/2 over TLS by default; the money path keeps the HTTP/1.1 whose
        // failures (resets, time-outs) gateway-failure.ts classifies and the tests exercise.
        allowH2: false,
      });
  }

  /** The client a process's settings (`oceanpaymentEnvShape`) describe, logging through `logger`. */
  static fromSettings(settings: OceanpaymentSettings, logger: Logger): OceanpaymentClient {
    return new OceanpaymentClient({
      gatewayUrl: settings.OCEANPAYMENT_GATEWAY_URL,
      queryUrl: settings.OCEANPAYMENT_QUERY_URL,
      timeouts: { payMs: settings.OCEANPAYMENT_PAY_TIMEOUT_MS, queryMs: settings.OCEANPAYMENT_QUERY_TIMEOUT_MS },
      logger,
    });
  }

  /** Pays an order (either scan mode). Throws `GatewayRequestInvalidError` before sending only. */
  async pay(input: PayInput): Promise<PayOutcome> {
    const fields = buildPayForm(input);
    const { account, terminal, secureCode } = input.credentials;
    const expected = { account, terminal, secureCode, orderNumber: input.orderNumber, currency: input.currency, amount: input.amount, notes: input.notes ?? "" };
    return this.call({
      endpoint: "pay",
      logId: { orderNumber: input.orderNumber },
      fields,
      timeoutMs: this.payMs,
      maxBytes: this.maxResponseBytes,
      classify: (body, statusCode) => classifyPayResponse(body, statusCode, expected, this.maxResponseBytes),
    });
  }

  /**
   * Asks about 1–100 orders, each as it was sent (its answer must echo amount, currency and notes);
   * throws `GatewayRequestInvalidError` for more, none, or duplicates.
   */
  async query(credentials: OceanpaymentCredentials, orders: readonly SentOrder[]): Promise<QueryOutcome> {
    const orderNumbers = orders.map((order) => order.orderNumber);
    const fields = buildQueryForm(credentials, orderNumbers);
    const { account, terminal, secureCode } = credentials;
    const expected = { account, terminal, secureCode, orders, signature: this.queryAnswerSignature };
    const outcome = await this.call({
      endpoint: "query",
      logId: { orderNumbers },
      fields,
      timeoutMs: this.queryMs,
      maxBytes: this.maxQueryResponseBytes,
      classify: (body, statusCode) => classifyQueryResponse(body, statusCode, expected, this.maxQueryResponseBytes),
    });
    if (outcome.kind === "answered" && outcome.signatureMismatches > 0) {
      this.logger?.warn(
        { orderNumbers, terminal, attempts: outcome.signatureMismatches, endpoint: oceanpaymentPaths.query },
        "query answer signValue does not verify under the assumed sign string: attempts used on their other checks",
      );
    }
    return outcome;
  }

  /** Voids an offline order (`payment_authType=3`). */
  async void(credentials: OceanpaymentCredentials, orderNumber: string): Promise<VoidOutcome> {
    const fields = buildVoidForm(credentials, orderNumber);
    const expected = { account: credentials.account, terminal: credentials.terminal, orderNumber };
    return this.call({
      endpoint: "void",
      logId: { orderNumber },
      fields,
      timeoutMs: this.payMs,
      maxBytes: this.maxResponseBytes,
      classify: (body, statusCode) => classifyVoidResponse(body, statusCode, expected, this.maxResponseBytes),
    });
  }

  /** Applies for a refund; `accepted` is not yet a payout. A 5xx is ambiguous here (money out). */
  async refund(input: RefundInput): Promise<RefundOutcome> {
    const fields = buildRefundForm(input);
    const { account, terminal } = input.credentials;
    const expected = { account, terminal, paymentId: input.paymentId, refundNumber: input.refundNumber };
    return this.call({
      endpoint: "refund",
      logId: { refundNumber: input.refundNumber },
      fields,
      timeoutMs: this.payMs,
      maxBytes: this.maxResponseBytes,
      moneyOut: true,
      classify: (body, statusCode) => classifyRefundResponse(body, statusCode, expected, this.maxResponseBytes),
    });
  }

  /**
   * One page of a terminal's successful orders between two gateway times (QueryOrdersList). A
   * read: every failure is as safe to retry as `retryable`. Paging through a whole range, and
   * checking that the pages hold `count` orders, is the caller's.
   */
  async ordersList(credentials: OceanpaymentCredentials, request: OrdersListRequest): Promise<OrdersListOutcome> {
    const fields = buildOrdersListForm(credentials, request);
    const { account, terminal, secureCode } = credentials;
    return this.call({
      endpoint: "ordersList",
      logId: { terminal, begin: request.begin, end: request.end, page: String(request.page) },
      fields,
      timeoutMs: this.queryMs,
      maxBytes: this.maxQueryResponseBytes,
      classify: (body, statusCode) => classifyOrdersListResponse(body, statusCode, { account, terminal, secureCode, page: request.page }, this.maxQueryResponseBytes),
    });
  }

  /**
   * Asks about one filed refund by its `refund_id`; its answer must echo the refund as filed
   * (`refund`: order, attempt, refund number, amount, currency). Read-only, like `query`.
   */
  async queryRefund(credentials: OceanpaymentCredentials, refund: Omit<RefundQueryExpectation, "account" | "terminal" | "secureCode" | "signature">): Promise<RefundQueryOutcome> {
    const fields = buildRefundQueryForm(credentials, refund.refundId);
    const { account, terminal, secureCode } = credentials;
    const expected: RefundQueryExpectation = { ...refund, account, terminal, secureCode, signature: this.queryAnswerSignature };
    const outcome = await this.call({
      endpoint: "refundQuery",
      logId: { refundNumber: refund.refundNumber },
      fields,
      timeoutMs: this.queryMs,
      maxBytes: this.maxResponseBytes,
      classify: (body, statusCode) => classifyRefundQueryResponse(body, statusCode, expected, this.maxResponseBytes),
    });
    if (outcome.kind === "answered" && outcome.signature === "mismatch") {
      this.logger?.warn({ refundNumber: refund.refundNumber, terminal, endpoint: oceanpaymentPaths.refundQuery }, "refund query answer signValue does not verify under the assumed sign string: used on its other checks");
    }
    return outcome;
  }

  /** Waits for in-flight calls, then closes the default dispatcher. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.ownsDispatcher ? this.dispatcher.close() : Promise.resolve();
    return this.closing;
  }

  private async call<T extends { kind: string }>(call: Call<T>): Promise<T | GatewayFailure> {
    const started = this.clock();
    let outcome: T | GatewayFailure;
    let statusCode: number | undefined;
    if (this.closing) {
      outcome = { kind: "retryable", reason: "client_closed", message: "client is closed" };
    } else {
      const base = call.endpoint === "pay" || call.endpoint === "void" ? this.gatewayUrl : this.queryUrl;
      const posted = await postForm({
        dispatcher: this.dispatcher,
        url: endpointUrl(base, call.endpoint),
        fields: call.fields,
        timeoutMs: call.timeoutMs,
        maxResponseBytes: call.maxBytes,
        moneyOut: call.moneyOut,
      });
      if (posted.kind === "failure") {
        outcome = posted.failure;
        statusCode = posted.failure.statusCode;
      } else {
        statusCode = posted.statusCode;
        outcome = posted.tooLarge
          ? { kind: "ambiguous", reason: "unparseable", message: `response larger than ${call.maxBytes} bytes`, statusCode }
          : call.classify(posted.body, posted.statusCode);
      }
    }
    this.log(call, outcome, statusCode, this.clock().getTime() - started.getTime());
    return outcome;
  }

  private log(call: Call<unknown>, outcome: { kind: string; reason?: string }, statusCode: number | undefined, latencyMs: number): void {
    const unsettled = outcome.kind === "retryable" || outcome.kind === "ambiguous";
    if (!this.logger?.isLevelEnabled(unsettled ? "warn" : "info")) return;
    // Built field by field: never the form, the outcome object or an error (they may carry secrets).
    const line = {
      ...call.logId,
      endpoint: oceanpaymentPaths[call.endpoint],
      outcome: outcome.kind,
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
      statusCode,
      latencyMs,
    };
    if (unsettled) this.logger.warn(line, "oceanpayment call unsettled");
    else this.logger.info(line, "oceanpayment call");
  }
}

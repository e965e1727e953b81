import { ApiError, InvalidRequestError, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { type CredentialsLookup, amountRule, currencyRule, offlineMethods, orderNumberRule } from "./field-rules.js";
import type { PaymentEngine } from "./payment-engine.js";
import { formatDateTime } from "./payment-ids.js";
import { details } from "./result-codes.js";

export interface OrphanChargeRoutesOptions {
  engine: PaymentEngine;
  credentials: CredentialsLookup;
  /** Where a charge that names no terminal is recorded. */
  defaultTerminal: { account: string; terminal: string };
  now: () => number;
}

const OrphanChargeRequest = z
  .object({
    orderNumber: z.string(),
    amount: z.string(),
    currency: z.string(),
    /** ISO 8601 with a zone (`2024-05-27T23:59:59+08:00`, `…Z`); default: now. */
    at: z.iso.datetime({ offset: true, message: "must be an ISO 8601 time with Z or an offset" }).optional(),
    account: z.string().optional(),
    terminal: z.string().optional(),
    method: z.enum(offlineMethods).default("WeChatPay_Offline"),
  })
  .strict()
  .refine((body) => (body.account === undefined) === (body.terminal === undefined), {
    message: "give both account and terminal, or neither (the default terminal)",
    path: ["terminal"],
  });

/**
 * `POST /sandbox/orphan-charge`: records a charge that no request of ours made — what a daily
 * reconciliation must find (`missing_here`). It is a succeeded attempt like any other (query,
 * QueryOrdersList, refunds), at `at`, without a notice.
 */
export function registerOrphanChargeRoutes(app: FastifyInstance, options: OrphanChargeRoutesOptions): void {
  const { engine, credentials, defaultTerminal, now } = options;

  app.post("/sandbox/orphan-charge", async (request, reply) => {
    const body = parseOrThrow(OrphanChargeRequest, request.body);
    const broken = [
      ["orderNumber", orderNumberRule(body.orderNumber)],
      ["currency", currencyRule(body.currency)],
      ["amount", currencyRule(body.currency) ? undefined : amountRule(body.amount, body.currency)],
    ] as const;
    const issues = broken.flatMap(([path, rule]) => (rule ? [{ path, message: details(rule) }] : []));
    if (issues.length > 0) throw new InvalidRequestError(issues);
    const scope = body.account !== undefined && body.terminal !== undefined ? { account: body.account, terminal: body.terminal } : defaultTerminal;
    if (credentials(scope.terminal) === undefined) throw new ApiError(400, "unknown_terminal", "the sandbox does not know this terminal");
    const at = body.at === undefined ? now() : Date.parse(body.at);
    const outcome = engine.orphanCharge({ ...scope, orderNumber: body.orderNumber, currency: body.currency, amount: body.amount, method: body.method, at });
    if (outcome.kind === "already_charged") throw new ApiError(409, "already_charged", "this order number was already charged on this terminal");
    const { attempt } = outcome;
    return reply.code(201).send({
      orderNumber: attempt.order.orderNumber,
      account: attempt.order.account,
      terminal: attempt.order.terminal,
      paymentId: attempt.paymentId,
      amount: attempt.amount,
      currency: attempt.currency,
      method: attempt.method,
      paymentDateTime: formatDateTime(attempt.createdAt),
    });
  });
}

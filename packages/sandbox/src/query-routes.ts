import type { FastifyInstance } from "fastify";
import type { FaultWrapper } from "./fault-wrapper.js";
import { type CredentialsLookup, type FormFields, amountToCents, orderNumberRule } from "./field-rules.js";
import type { Faults } from "./faults.js";
import type { Ledger } from "./ledger.js";
import type { PaymentEngine } from "./payment-engine.js";
import { attemptInfo, noAttemptInfo, queryAnswer, queryRefusal } from "./query-answer.js";
import { type ResultCode, details, resultCodes } from "./result-codes.js";
import { checkSigned } from "./signed-request.js";
import { xmlDocument } from "./xml.js";

export interface QueryRoutesOptions {
  engine: PaymentEngine;
  ledger: Ledger;
  credentials: CredentialsLookup;
  faults: Faults;
  wrapper: FaultWrapper;
}

/** Oceanpayment's limit on order numbers per query (its order-management parameter reference). */
const maxOrderNumbers = 100;

/** The order-management host: `/service/check/normal` (query) and `/service/applyRefund`. */
export function registerQueryRoutes(app: FastifyInstance, options: QueryRoutesOptions): void {
  const { engine, ledger, credentials, faults, wrapper } = options;

  app.post(
    "/service/check/normal",
    wrapper.wrap("query", (fields) => {
      const corrupt = faults.roll(faults.current.badSignatureRate);
      const signed = checkSigned(fields, credentials, "queryRequest");
      if (!signed.ok) return queryRefusal(signed.result);
      const numbers = (fields.order_number ?? "").split(",");
      if (numbers.length > maxOrderNumbers) return queryRefusal(resultCodes.tooManyOrderNumbers);
      const broken = numbers.map(orderNumberRule).find((rule) => rule !== undefined);
      if (broken) return queryRefusal(broken);
      const { account, terminal, secureCode } = signed;
      const infos = numbers.flatMap((orderNumber) => {
        const attempts = ledger.order(account, terminal, orderNumber)?.attempts ?? [];
        if (attempts.length === 0) return [noAttemptInfo(account, terminal, orderNumber)];
        return attempts.toReversed().map((attempt) => attemptInfo(attempt, secureCode, corrupt));
      });
      return queryAnswer(infos);
    }),
  );

  app.post(
    "/service/applyRefund",
    wrapper.wrap("refund", (fields) => {
      // refund_number is an unsigned extra field: the published sign string has none.
      const signed = checkSigned(fields, credentials, "refundRequest");
      if (!signed.ok) return refundResponse(fields, "", signed.result);
      const { payment_id: paymentId, refund_number: refundNumber = "", refund_type: type, refund_amount: amount } = fields;
      const badNumber = refundNumber !== "" && orderNumberRule(refundNumber) !== undefined;
      if (!paymentId || badNumber || (type !== "1" && type !== "2") || amountToCents(amount) === undefined) {
        return refundResponse(fields, "", resultCodes.invalidRefund);
      }
      const outcome = engine.refund(signed.account, signed.terminal, paymentId, amount ?? "");
      return outcome.ok
        ? refundResponse(fields, outcome.refundId, resultCodes.approved)
        : refundResponse(fields, "", outcome.result);
    }),
  );
}

/** *(assumed)* shape: Oceanpayment does not publish the applyRefund answer. Unsigned. */
function refundResponse(fields: FormFields, refundId: string, result: ResultCode): string {
  return xmlDocument("response", [
    ["account", fields.account ?? ""],
    ["terminal", fields.terminal ?? ""],
    ["payment_id", fields.payment_id ?? ""],
    ["refund_number", fields.refund_number ?? ""],
    ["refund_id", refundId],
    ["refund_results", refundId === "" ? "0" : "1"],
    ["refund_details", details(result)],
  ]);
}

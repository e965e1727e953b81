import type { FastifyInstance } from "fastify";
import type { FaultWrapper } from "./fault-wrapper.js";
import { type CredentialsLookup, type FormFields, amountToCents, checkSigned, isOrderNumber } from "./field-rules.js";
import type { Attempt, Ledger } from "./ledger.js";
import type { PaymentEngine } from "./payment-engine.js";
import { formatDateTime } from "./payment-ids.js";
import { paymentStatusOf } from "./payment-result.js";
import { type ResultCode, details, resultCodes } from "./result-codes.js";
import { type XmlNode, xmlDocument } from "./xml.js";

export interface QueryRoutesOptions {
  engine: PaymentEngine;
  ledger: Ledger;
  credentials: CredentialsLookup;
  wrapper: FaultWrapper;
}

const maxOrderNumbers = 100;

/** The order-management host: `/service/check/normal` (query) and `/service/applyRefund`. */
export function registerQueryRoutes(app: FastifyInstance, options: QueryRoutesOptions): void {
  const { engine, ledger, credentials, wrapper } = options;

  app.post(
    "/service/check/normal",
    wrapper.wrap("query", (fields) => {
      const signed = checkSigned(fields, credentials, "queryRequest");
      if (!signed.ok) return queryFailure(signed.result);
      const numbers = (fields.order_number ?? "").split(",");
      if (numbers.length > maxOrderNumbers) return queryFailure(resultCodes.tooManyOrderNumbers);
      if (!numbers.every(isOrderNumber)) return queryFailure(resultCodes.invalidOrderNumber);
      const infos = numbers.flatMap((orderNumber): XmlNode[] => {
        const attempts = ledger.order(signed.account, signed.terminal, orderNumber)?.attempts ?? [];
        // "No attempt": one paymentInfo with the number and everything else empty *(assumed)*.
        if (attempts.length === 0) return [paymentInfo(orderNumber, undefined)];
        return attempts.toReversed().map((attempt) => paymentInfo(orderNumber, attempt));
      });
      return xmlDocument("response", [["account", signed.account], ["terminal", signed.terminal], ...infos]);
    }),
  );

  app.post(
    "/service/applyRefund",
    wrapper.wrap("refund", (fields) => {
      const signed = checkSigned(fields, credentials, "refundRequest");
      if (!signed.ok) return refundResponse(fields, "", signed.result);
      const { payment_id: paymentId, refund_number: refundNumber, refund_type: type, refund_amount: amount } = fields;
      if (!paymentId || !isOrderNumber(refundNumber) || (type !== "1" && type !== "2") || amountToCents(amount) === undefined) {
        return refundResponse(fields, "", resultCodes.invalidRefund);
      }
      const outcome = engine.refund(signed.account, signed.terminal, paymentId, amount ?? "");
      return outcome.ok
        ? refundResponse(fields, outcome.refundId, resultCodes.refundAccepted)
        : refundResponse(fields, "", outcome.result);
    }),
  );
}

function paymentInfo(orderNumber: string, attempt: Attempt | undefined): XmlNode {
  return [
    "paymentInfo",
    [
      ["order_number", orderNumber],
      ["order_currency", attempt?.currency ?? ""],
      ["order_amount", attempt?.amount ?? ""],
      ["payment_id", attempt?.paymentId ?? ""],
      ["payment_results", attempt ? paymentStatusOf(attempt.status) : ""],
      ["payment_details", attempt ? details(attempt.result) : ""],
      ["pay_barCode", attempt?.barCode ?? ""],
      ["payment_dateTime", attempt ? formatDateTime(attempt.updatedAt) : ""],
    ],
  ];
}

function queryFailure(result: ResultCode): string {
  return xmlDocument("response", [
    ["query_status", "0"],
    ["query_details", details(result)],
  ]);
}

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

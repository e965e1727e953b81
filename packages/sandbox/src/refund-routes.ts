import type { FastifyInstance } from "fastify";
import type { FaultWrapper } from "./fault-wrapper.js";
import { type CredentialsLookup, type FormFields, amountToCents, orderNumberRule } from "./field-rules.js";
import type { Faults } from "./faults.js";
import type { RefundType } from "./ledger.js";
import { queryRefusal } from "./query-answer.js";
import { refundQueryAnswer, refundResponse } from "./refund-answers.js";
import type { RefundEngine } from "./refund-engine.js";
import { resultCodes } from "./result-codes.js";
import { checkSigned } from "./signed-request.js";

export interface RefundRoutesOptions {
  refunds: RefundEngine;
  credentials: CredentialsLookup;
  faults: Faults;
  wrapper: FaultWrapper;
}

const isRefundType = (value: string | undefined): value is RefundType => value === "1" || value === "2";

/**
 * The order-management host's refunds: `/service/applyRefund` (files a refund, answers at once)
 * and `/service/queryRefund` (one refund by refund_id). Transport faults apply to both; a time-out
 * or reset on applyRefund comes after the refund was filed.
 */
export function registerRefundRoutes(app: FastifyInstance, options: RefundRoutesOptions): void {
  const { refunds, credentials, faults, wrapper } = options;

  app.post(
    "/service/applyRefund",
    wrapper.wrap("refund", (fields) => {
      // refund_number is an unsigned extra field: the published sign string has none.
      const signed = checkSigned(fields, credentials, "refundRequest");
      if (!signed.ok) return refundResponse(fields, "", signed.result);
      const { payment_id: paymentId = "", refund_number: refundNumber = "", refund_type: type, refund_amount: amount = "" } = fields;
      if (!wellFormed(fields) || !isRefundType(type)) return refundResponse(fields, "", resultCodes.invalidRefund);
      const filing = refunds.apply({
        account: signed.account,
        terminal: signed.terminal,
        paymentId,
        refundNumber,
        type,
        amount,
        description: fields.refund_description ?? "",
      });
      return filing.ok ? refundResponse(fields, filing.refund.refundId, resultCodes.approved) : refundResponse(fields, "", filing.result);
    }),
  );

  app.post(
    "/service/queryRefund",
    wrapper.wrap("refundQuery", (fields) => {
      const corrupt = faults.roll(faults.current.badSignatureRate);
      const signed = checkSigned(fields, credentials, "refundQueryRequest");
      if (!signed.ok) return queryRefusal(signed.result);
      if (!fields.refund_id) return queryRefusal(resultCodes.invalidRefund);
      const refund = refunds.find(signed.account, signed.terminal, fields.refund_id);
      return refund ? refundQueryAnswer(refund, signed.secureCode, corrupt) : queryRefusal(resultCodes.unknownRefundId);
    }),
  );
}

/** payment_id present, refund_number absent/empty or a valid order number, refund_amount a positive amount (≤ 2 decimals). */
function wellFormed(fields: FormFields): boolean {
  const refundNumber = fields.refund_number ?? "";
  return Boolean(fields.payment_id) && (refundNumber === "" || orderNumberRule(refundNumber) === undefined) && amountToCents(fields.refund_amount) !== undefined;
}

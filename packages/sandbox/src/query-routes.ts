import type { FastifyInstance } from "fastify";
import type { FaultWrapper } from "./fault-wrapper.js";
import { type CredentialsLookup, orderNumberRule } from "./field-rules.js";
import type { Faults } from "./faults.js";
import type { Ledger } from "./ledger.js";
import { attemptInfo, noAttemptInfo, queryAnswer, queryRefusal } from "./query-answer.js";
import { resultCodes } from "./result-codes.js";
import { checkSigned } from "./signed-request.js";

export interface QueryRoutesOptions {
  ledger: Ledger;
  credentials: CredentialsLookup;
  faults: Faults;
  wrapper: FaultWrapper;
}

/** Oceanpayment's limit on order numbers per query (its order-management parameter reference). */
const maxOrderNumbers = 100;

/** The order-management host's order query, `/service/check/normal` (refunds: refund-routes.ts). */
export function registerQueryRoutes(app: FastifyInstance, options: QueryRoutesOptions): void {
  const { ledger, credentials, faults, wrapper } = options;

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
}

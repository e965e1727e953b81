import type { FastifyInstance } from "fastify";
import type { FaultWrapper } from "./fault-wrapper.js";
import { type CredentialsLookup, type FormFields, orderNumberRule } from "./field-rules.js";
import type { Faults } from "./faults.js";
import { checkPayRequest } from "./pay-request.js";
import type { PaymentEngine } from "./payment-engine.js";
import { formatDateTime } from "./payment-ids.js";
import { attemptFields, rejectionFields, renderPaymentResult } from "./payment-result.js";
import { type ResultCode, details, resultCodes } from "./result-codes.js";
import { checkSigned } from "./signed-request.js";
import { xmlDocument } from "./xml.js";

export interface GatewayRoutesOptions {
  engine: PaymentEngine;
  credentials: CredentialsLookup;
  faults: Faults;
  wrapper: FaultWrapper;
  now: () => number;
}

/** The gateway host: `/gateway/directservice/pay` and the offline void `/gateway/service/auth`. */
export function registerGatewayRoutes(app: FastifyInstance, options: GatewayRoutesOptions): void {
  const { engine, credentials, faults, wrapper, now } = options;

  app.post(
    "/gateway/directservice/pay",
    wrapper.wrap("pay", (fields) => {
      const corruptSignature = faults.roll(faults.current.badSignatureRate);
      const pushedAt = formatDateTime(now());
      const checked = checkPayRequest(fields, credentials);
      if (!checked.ok) {
        // Refused requests are answered signed, echoing the order (what Oceanpayment does for 20013).
        return renderPaymentResult(rejectionFields(fields, checked.result), { secureCode: checked.secureCode, corruptSignature, pushedAt });
      }
      const outcome = engine.pay(checked.request);
      const result = outcome.kind === "duplicate" ? rejectionFields(fields, resultCodes.duplicateOrder) : attemptFields(outcome.attempt);
      return renderPaymentResult(result, { secureCode: checked.secureCode, corruptSignature, pushedAt });
    }),
  );

  app.post(
    "/gateway/service/auth",
    wrapper.wrap("void", (fields) => {
      const signed = checkSigned(fields, credentials, "voidRequest");
      if (!signed.ok) return voidResponse(fields, false, signed.result);
      if (fields.payment_authType !== "3") return voidResponse(fields, false, resultCodes.invalidAuthType);
      const broken = orderNumberRule(fields.order_number);
      if (broken) return voidResponse(fields, false, broken);
      const outcome = engine.voidOrder(signed.account, signed.terminal, fields.order_number ?? "");
      return voidResponse(fields, outcome.voided, outcome.result);
    }),
  );
}

/** *(assumed)* shape: Oceanpayment does not publish the void answer. Unsigned. */
function voidResponse(fields: FormFields, voided: boolean, result: ResultCode): string {
  return xmlDocument("response", [
    ["account", fields.account ?? ""],
    ["terminal", fields.terminal ?? ""],
    ["order_number", fields.order_number ?? ""],
    ["payment_authType", fields.payment_authType ?? ""],
    ["void_status", voided ? "1" : "0"],
    ["void_details", details(result)],
  ]);
}

import type { FastifyInstance } from "fastify";
import type { FaultWrapper } from "./fault-wrapper.js";
import { type CredentialsLookup, type FormFields, checkSigned, isOrderNumber } from "./field-rules.js";
import type { Faults } from "./faults.js";
import { checkPayRequest } from "./pay-request.js";
import type { PaymentEngine } from "./payment-engine.js";
import { attemptFields, rejectionFields, renderPaymentResult } from "./payment-result.js";
import { type ResultCode, details, resultCodes } from "./result-codes.js";
import { xmlDocument } from "./xml.js";

export interface GatewayRoutesOptions {
  engine: PaymentEngine;
  credentials: CredentialsLookup;
  faults: Faults;
  wrapper: FaultWrapper;
}

/** The gateway host: `/gateway/directservice/pay` and the offline void `/gateway/service/auth`. */
export function registerGatewayRoutes(app: FastifyInstance, options: GatewayRoutesOptions): void {
  const { engine, credentials, faults, wrapper } = options;

  app.post(
    "/gateway/directservice/pay",
    wrapper.wrap("pay", (fields) => {
      const corruptSignature = faults.roll(faults.current.badSignatureRate);
      const checked = checkPayRequest(fields, credentials);
      if (!checked.ok) {
        return renderPaymentResult(rejectionFields(fields, checked.result), { secureCode: checked.secureCode, corruptSignature });
      }
      const outcome = engine.pay(checked.request);
      const result =
        outcome.kind === "duplicate"
          ? rejectionFields(fields, resultCodes.duplicateOrder)
          : attemptFields(outcome.attempt);
      return renderPaymentResult(result, { secureCode: checked.secureCode, corruptSignature });
    }),
  );

  app.post(
    "/gateway/service/auth",
    wrapper.wrap("void", (fields) => {
      const signed = checkSigned(fields, credentials, "voidRequest");
      if (!signed.ok) return voidResponse(fields, false, signed.result);
      if (fields.payment_authType !== "3") return voidResponse(fields, false, resultCodes.invalidAuthType);
      if (!isOrderNumber(fields.order_number)) return voidResponse(fields, false, resultCodes.invalidOrderNumber);
      const outcome = engine.voidOrder(signed.account, signed.terminal, fields.order_number);
      return voidResponse(fields, outcome.voided, outcome.result);
    }),
  );
}

/** Unsigned, as the wire page shows it *(assumed)*. */
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

import type { FormFields } from "./form-fields.js";
import { checkCredentials, checkOrderNumber, type OceanpaymentCredentials } from "./request-validation.js";
import { sign } from "./signature.js";

/** `payment_authType` value that voids an offline (WeChat Pay / Alipay) order. */
export const voidAuthType = "3";

/** The `/gateway/service/auth` form that voids one offline order (`payment_authType=3`). */
export function buildVoidForm(credentials: OceanpaymentCredentials, orderNumber: string): FormFields {
  checkCredentials(credentials);
  checkOrderNumber("order_number", orderNumber);
  const { account, terminal, secureCode } = credentials;
  const signed = { account, terminal, order_number: orderNumber, payment_authType: voidAuthType };
  return [
    ["account", account],
    ["terminal", terminal],
    ["order_number", orderNumber],
    ["payment_authType", voidAuthType],
    ["signValue", sign("voidRequest", signed, secureCode)],
  ];
}

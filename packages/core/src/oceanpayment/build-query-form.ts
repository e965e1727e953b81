import type { FormFields } from "./form-fields.js";
import { checkCredentials, checkOrderNumber, invalidRequest, type OceanpaymentCredentials } from "./request-validation.js";
import { sign } from "./signature.js";

/** Oceanpayment answers at most 100 order numbers per query. */
export const maxQueryOrderNumbers = 100;

/**
 * The `/service/check/normal` form: 1–100 order numbers joined with `,`, signed over
 * account, terminal and that joined string. Duplicates are refused: the answer is keyed by number.
 */
export function buildQueryForm(credentials: OceanpaymentCredentials, orderNumbers: readonly string[]): FormFields {
  checkCredentials(credentials);
  if (orderNumbers.length < 1 || orderNumbers.length > maxQueryOrderNumbers) {
    invalidRequest("order_number", `a query asks about 1 to ${maxQueryOrderNumbers} order numbers, got ${orderNumbers.length}`);
  }
  for (const [index, orderNumber] of orderNumbers.entries()) checkOrderNumber(`order_number[${index}]`, orderNumber);
  if (new Set(orderNumbers).size !== orderNumbers.length) invalidRequest("order_number", "contains duplicates");

  const { account, terminal, secureCode } = credentials;
  const orderNumber = orderNumbers.join(",");
  return [
    ["account", account],
    ["terminal", terminal],
    ["order_number", orderNumber],
    ["signValue", sign("queryRequest", { account, terminal, order_number: orderNumber }, secureCode)],
  ];
}

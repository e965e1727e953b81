import type { FormFields } from "./field-rules.js";
import { type ResultCode, resultCodes } from "./result-codes.js";

/**
 * Product fields of a pay request. Oceanpayment's own plugins join several products with `;`:
 * productName, productSku, productPrice and productNum each carry one value per item, in the same
 * order. The emulator checks that they agree: the same number of values in each, every quantity a
 * positive whole number, every price a decimal with at most 2 decimals. A request without any
 * product field is accepted. *(assumed)* code: 20075, no public source names one.
 */

const productFields = ["productName", "productSku", "productPrice", "productNum"] as const;

/** One item of a request, as the gateway would read it. */
export interface ProductLine {
  name: string;
  sku: string;
  price: string;
  quantity: string;
}

/** The items of a request (none when it sends no product field), or the code it breaks. */
export function productLines(fields: FormFields): ProductLine[] | ResultCode {
  if (productFields.every((name) => (fields[name] ?? "") === "")) return [];
  const [names = [], skus = [], prices = [], quantities = []] = productFields.map((name) => (fields[name] ?? "").split(";"));
  const count = names.length;
  if (skus.length !== count || prices.length !== count || quantities.length !== count) return resultCodes.invalidProducts;
  const lines = names.map((name, i) => ({ name, sku: skus[i] ?? "", price: prices[i] ?? "", quantity: quantities[i] ?? "" }));
  const bad = lines.some((line) => !/^(?:0|[1-9]\d*)(?:\.\d{1,2})?$/.test(line.price) || !/^[1-9]\d{0,5}$/.test(line.quantity));
  return bad ? resultCodes.invalidProducts : lines;
}

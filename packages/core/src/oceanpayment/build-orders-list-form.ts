import type { FormFields } from "./form-fields.js";
import { checkCredentials, invalidRequest, type OceanpaymentCredentials } from "./request-validation.js";
import { sign } from "./signature.js";

/** A gateway time as QueryOrdersList reads and writes it: `yyyy-mm-dd HH:mm:ss` in the gateway's zone. */
export const gatewayDateTimeFormat = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

/** One page of the successful orders of a terminal between two gateway times (both included). */
export interface OrdersListRequest {
  /** `yyyy-mm-dd HH:mm:ss`, gateway time. */
  begin: string;
  /** `yyyy-mm-dd HH:mm:ss`, gateway time, not before `begin`. */
  end: string;
  /** 1-based page. */
  page: number;
}

/**
 * The `/service/QueryOrdersList` form: signed over account, terminal and the two dates
 * (`queryOrdersList`, the Postman vector); `pages` travels unsigned, as the published string
 * ends with the dates.
 */
export function buildOrdersListForm(credentials: OceanpaymentCredentials, request: OrdersListRequest): FormFields {
  checkCredentials(credentials);
  if (!gatewayDateTimeFormat.test(request.begin)) invalidRequest("order_beginDate", "must be yyyy-mm-dd HH:mm:ss");
  if (!gatewayDateTimeFormat.test(request.end)) invalidRequest("order_endDate", "must be yyyy-mm-dd HH:mm:ss");
  // The format sorts as text: a begin after the end is a caller's mistake, never worth a request.
  if (request.begin > request.end) invalidRequest("order_endDate", "must not be before order_beginDate");
  if (!Number.isInteger(request.page) || request.page < 1 || request.page > 999_999) invalidRequest("pages", "must be a whole number from 1");

  const { account, terminal, secureCode } = credentials;
  const signed = { account, terminal, order_beginDate: request.begin, order_endDate: request.end };
  return [
    ["account", account],
    ["terminal", terminal],
    ["order_beginDate", signed.order_beginDate],
    ["order_endDate", signed.order_endDate],
    ["pages", String(request.page)],
    ["signValue", sign("queryOrdersList", signed, secureCode)],
  ];
}

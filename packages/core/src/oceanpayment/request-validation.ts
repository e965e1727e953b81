import { currencyAmountProblem, isPositiveAmount } from "../payments/money.js";
import { GatewayRequestInvalidError } from "./errors.js";

/**
 * Checks shared by the form builders. A request the gateway would refuse with a 200xx code is
 * refused here instead, before anything is sent, so that it can never become an ambiguous attempt.
 * Limits come from docs/oceanpayment-wire.md (pay request, "Limits").
 */

/** Terminal credentials. `secureCode` only signs: it is never sent and never logged. */
export interface OceanpaymentCredentials {
  account: string;
  terminal: string;
  secureCode: string;
}

function fail(field: string, message: string): never {
  throw new GatewayRequestInvalidError(field, message);
}

export function checkCredentials(credentials: OceanpaymentCredentials): void {
  if (!/^[0-9A-Za-z]{6}$/.test(credentials.account)) fail("account", "must be 6 characters");
  if (!/^[0-9A-Za-z]{8,12}$/.test(credentials.terminal)) fail("terminal", "must be 8 to 12 characters");
  // Never echo the secureCode in a message: only say that it is missing.
  if (credentials.secureCode.length === 0) fail("secureCode", "must not be empty");
}

/**
 * 1–50 printable ASCII characters without a comma: queries join numbers with `,`, so a comma inside
 * one would ask about two other orders.
 */
export function checkOrderNumber(field: string, value: string): void {
  if (!/^[\x21-\x2b\x2d-\x7e]{1,50}$/.test(value)) {
    fail(field, "must be 1 to 50 printable ASCII characters without spaces or commas");
  }
}

export function checkCurrency(value: string): void {
  if (!/^[A-Z]{3}$/.test(value)) fail("order_currency", "must be an ISO 4217 code such as USD");
}

/** With `currency`, also no more decimals than the currency has (JPY `12.50` is refused). */
export function checkPositiveAmount(field: string, value: string, currency?: string): void {
  if (!isPositiveAmount(value)) fail(field, "must be a decimal string greater than 0 with at most 2 decimals");
  if (currency !== undefined) checkCurrencyDecimals(field, value, currency);
}

/** No more decimals than `currency` has (see `currencyDecimals`): item prices, refund amounts. */
export function checkCurrencyDecimals(field: string, value: string, currency: string): void {
  const problem = currencyAmountProblem(value, currency);
  if (problem !== undefined) fail(field, problem);
}

export function checkMaxLength(field: string, value: string, max: number): void {
  if (value.length > max) fail(field, `must be at most ${max} characters`);
}

export function checkNotEmpty(field: string, value: string): void {
  if (value.trim().length === 0) fail(field, "must not be empty");
}

export { fail as invalidRequest };

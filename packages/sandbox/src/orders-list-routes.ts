import type { FastifyInstance } from "fastify";
import type { FaultWrapper } from "./fault-wrapper.js";
import type { CredentialsLookup, FormFields } from "./field-rules.js";
import type { Faults } from "./faults.js";
import { parseDateTime, sixMonthsBefore } from "./gateway-time.js";
import type { Ledger } from "./ledger.js";
import { OrdersList, ordersListAnswer, ordersListRefusal } from "./orders-list.js";
import { type ResultCode, resultCodes } from "./result-codes.js";
import { checkSigned } from "./signed-request.js";

export interface OrdersListRoutesOptions {
  ledger: Ledger;
  credentials: CredentialsLookup;
  faults: Faults;
  wrapper: FaultWrapper;
  now: () => number;
}

type ListRequest = { ok: true; beginMs: number; endMs: number; page: number } | { ok: false; result: ResultCode };

/**
 * `/service/QueryOrdersList` on the order-management host: the successful charges of the asking
 * terminal between order_beginDate and order_endDate (gateway time, both ends included), paged.
 * The BusinessOrdersList (refunds and other business orders) is not emulated.
 */
export function registerOrdersListRoutes(app: FastifyInstance, options: OrdersListRoutesOptions): void {
  const { credentials, faults, wrapper, now } = options;
  const list = new OrdersList(options.ledger);

  app.post(
    "/service/QueryOrdersList",
    wrapper.wrap("ordersList", (fields) => {
      const corrupt = faults.roll(faults.current.badSignatureRate);
      const refuse = (result: ResultCode) => ordersListRefusal(fields.account ?? "", fields.terminal ?? "", fields.pages ?? "", result);
      // `pages` is not signed (the published string has only the account, terminal and dates).
      const signed = checkSigned(fields, credentials, "successfulOrdersRequest");
      if (!signed.ok) return refuse(signed.result);
      const request = readRange(fields, now());
      if (!request.ok) return refuse(request.result);
      const { account, terminal, secureCode } = signed;
      const page = list.page(account, terminal, request.beginMs, request.endMs, request.page);
      return ordersListAnswer(account, terminal, request.page, page, secureCode, corrupt);
    }),
  );
}

/**
 * The range and page, checked after the signature: both dates exact `yyyy-mm-dd HH:mm:ss` gateway
 * times with begin ≤ end (20083, assumed), begin not before the last six months (20084, assumed:
 * `sixMonthsBefore`), `pages` absent, empty, `0` or `1` for the first page, or any whole number
 * (20085, assumed); a page past the last answers no lines.
 */
function readRange(fields: FormFields, nowMs: number): ListRequest {
  const beginMs = parseDateTime(fields.order_beginDate);
  const endMs = parseDateTime(fields.order_endDate);
  if (beginMs === undefined || endMs === undefined || beginMs > endMs) return { ok: false, result: resultCodes.invalidDateRange };
  if ((fields.order_beginDate ?? "") < sixMonthsBefore(nowMs)) return { ok: false, result: resultCodes.dateRangeTooOld };
  const pages = fields.pages ?? "";
  if (pages !== "" && !/^\d{1,6}$/.test(pages)) return { ok: false, result: resultCodes.invalidPages };
  return { ok: true, beginMs, endMs, page: Math.max(1, Number(pages)) };
}

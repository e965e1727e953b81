import { z } from "zod";
import { currencyAmountProblem, isValidAmount } from "./money.js";
import { paymentMethods, walletOfAuthCode } from "./wallet.js";

const currencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

export const OrderNumber = z
  .string({ error: "must be a string" })
  .regex(/^[A-Za-z0-9_-]{1,50}$/, "must be 1-50 characters of A-Z a-z 0-9 _ -");

export const Amount = z
  .string({ error: 'must be a decimal string such as "12.50"' })
  .refine(isValidAmount, 'must be a decimal string greater than 0 with at most 2 decimals, such as "12.50"');

export const Currency = z
  .string({ error: "must be a string" })
  .refine((c) => currencies.has(c), "must be an ISO 4217 currency code in capitals, such as USD");

const text = (max: number) => z.string({ error: "must be a string" }).max(max, `must be at most ${max} characters`);

export const Customer = z.strictObject({
  firstName: text(50).optional(),
  lastName: text(50).optional(),
  email: text(50).optional(),
  phone: text(50).optional(),
  country: text(50).optional(),
  state: text(50).optional(),
  city: text(50).optional(),
  address: text(100).optional(),
  zip: text(20).optional(),
  ip: text(45).optional(),
});
export type Customer = z.infer<typeof Customer>;

export const Item = z.strictObject({
  name: text(100).min(1, "must not be empty"),
  sku: text(50).optional(),
  price: Amount,
  quantity: z.number({ error: "must be a whole number" }).int("must be a whole number").min(1).max(100_000),
});
export type Item = z.infer<typeof Item>;

export const PaymentMode = z.enum(["merchant_scan", "customer_scan"], {
  error: 'must be "merchant_scan" or "customer_scan"',
});
export type PaymentMode = z.infer<typeof PaymentMode>;

export const PaymentMethodSchema = z.enum(paymentMethods, {
  error: 'must be "WeChatPay_Offline" or "Alipay_Offline"',
});

/**
 * The body of `POST /v1/payments` (and each item of a batch). Unknown fields are rejected. For
 * `merchant_scan` the wallet is inferred from `authCode` when `method` is absent.
 */
export const PaymentRequest = z
  .strictObject({
    orderNumber: OrderNumber,
    amount: Amount,
    currency: Currency,
    mode: PaymentMode,
    authCode: z.string({ error: "must be a string" }).optional(),
    method: PaymentMethodSchema.optional(),
    notes: text(200).optional(),
    customer: Customer.optional(),
    items: z.array(Item).max(100, "must list at most 100 items").optional(),
  })
  .superRefine((body, ctx) => {
    checkCurrencyDecimals(body, ctx);
    if (body.mode === "merchant_scan") {
      if (body.authCode === undefined) {
        ctx.addIssue({ code: "custom", path: ["authCode"], message: "is required when mode is merchant_scan" });
        return;
      }
      const wallet = walletOfAuthCode(body.authCode);
      if (!wallet) {
        ctx.addIssue({
          code: "custom",
          path: ["authCode"],
          message: "is not a WeChat Pay (18 digits starting 10-15) or Alipay (16-24 digits starting 25-30) payment code",
        });
      } else if (body.method !== undefined && body.method !== wallet) {
        ctx.addIssue({ code: "custom", path: ["method"], message: `does not match the payment code, which is ${wallet}` });
      }
    } else {
      if (body.authCode !== undefined) {
        ctx.addIssue({ code: "custom", path: ["authCode"], message: "must be absent when mode is customer_scan" });
      }
      if (body.method === undefined) {
        ctx.addIssue({ code: "custom", path: ["method"], message: "is required when mode is customer_scan" });
      }
    }
  });
export type PaymentRequest = z.infer<typeof PaymentRequest>;

/**
 * The amount and every item price carry no more decimals than the currency has (JPY and KRW:
 * whole numbers). Only for amounts and currencies that are otherwise valid, so that a field is
 * never reported twice.
 */
function checkCurrencyDecimals(
  body: { amount: string; currency: string; items?: readonly { price: string }[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!currencies.has(body.currency)) return;
  const check = (path: (string | number)[], amount: string) => {
    const problem = isValidAmount(amount) ? currencyAmountProblem(amount, body.currency) : undefined;
    if (problem !== undefined) ctx.addIssue({ code: "custom", path, message: problem });
  };
  check(["amount"], body.amount);
  body.items?.forEach((item, index) => check(["items", index, "price"], item.price));
}

/** The wallet of a valid request: the given method, or the one its payment code belongs to. */
export function methodOf(request: PaymentRequest): (typeof paymentMethods)[number] {
  const method = request.method ?? (request.authCode ? walletOfAuthCode(request.authCode) : undefined);
  if (!method) throw new Error("methodOf called on a request that did not pass validation");
  return method;
}

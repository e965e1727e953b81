import type { OceanpaymentCredentials, PayBilling, PayInput, PayItem, PayScan } from "@oceanpos/core/oceanpayment";
import type { Payment } from "@oceanpos/core/payments";
import type { Store } from "@oceanpos/core/stores";
import { PaymentUnworkableError } from "./errors.js";

const billingFields = ["firstName", "lastName", "email", "phone", "country", "state", "city", "address", "zip", "ip"] as const;

/**
 * Billing of the pay request: each field from the POS's `customer` when it sent a non-empty one,
 * otherwise the store's default (so that fields the gateway expects are never blank).
 */
export function billingOf(payment: Payment, store: Store): PayBilling {
  const billing = { ...store.billing } as Record<(typeof billingFields)[number], string>;
  for (const field of billingFields) {
    const value = payment.customer?.[field];
    if (value !== undefined && value.trim() !== "") billing[field] = value;
  }
  return billing;
}

/** Items as product fields; an order without items is sent as one line of the whole amount. */
export function itemsOf(payment: Payment): PayItem[] {
  if (payment.items && payment.items.length > 0) {
    return payment.items.map((item) => ({ name: item.name, sku: item.sku ?? "", price: item.price, quantity: item.quantity }));
  }
  return [{ name: `Order ${payment.orderNumber}`, sku: "", price: payment.amount, quantity: 1 }];
}

export interface PayInputSources {
  payment: Payment;
  store: Store;
  /** The scanned wallet code (merchant scans), from `PaymentStore.authCode`. */
  authCode: string | undefined;
  noticeUrl: string;
}

/** The pay request of a payment. Throws `PaymentUnworkableError` for a merchant scan without its code. */
export function buildPayInput(sources: PayInputSources): PayInput {
  const { payment, store } = sources;
  let scan: PayScan;
  if (payment.mode === "merchant_scan") {
    if (!sources.authCode) throw new PaymentUnworkableError("merchant scan without a stored payment code");
    scan = { mode: "merchant_scans", paymentCode: sources.authCode };
  } else {
    scan = { mode: "customer_scans", method: payment.method };
  }
  return {
    credentials: credentialsOf(store),
    noticeUrl: sources.noticeUrl,
    orderNumber: payment.orderNumber,
    currency: payment.currency,
    amount: payment.amount,
    notes: payment.notes ?? "",
    billing: billingOf(payment, store),
    items: itemsOf(payment),
    scan,
  };
}

export function credentialsOf(store: Store): OceanpaymentCredentials {
  return { account: store.oceanpayment.account, terminal: store.oceanpayment.terminal, secureCode: store.oceanpayment.secureCode };
}

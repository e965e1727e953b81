import type { TransitionChange } from "./payment-store.js";

/**
 * The resource's `qrCode`: the intake's path of the payment's QR image (the contract's
 * `GET /v1/payments/{orderNumber}/qr.svg`). Neither the protocol nor the payment domain knows the
 * intake's URLs; the payer, which records the barCode the gateway gave (a pay answer or a query),
 * adds the link in the same change, so that the stored resource and every event of it carry it.
 */
export function qrCodePath(orderNumber: string): string {
  return `/v1/payments/${encodeURIComponent(orderNumber)}/qr.svg`;
}

/**
 * `change` with the resource's `qrCode` beside the barCode it learns, in the order the resource
 * has always listed them (paymentId, barCode, qrCode, gateway); any other change as it is.
 */
export function withQrCode(change: TransitionChange, orderNumber: string): TransitionChange {
  if (change.set?.barCode === undefined) return change;
  const { gateway, ...learnt } = change.set;
  return { ...change, set: { ...learnt, qrCode: qrCodePath(orderNumber), ...(gateway === undefined ? {} : { gateway }) } };
}

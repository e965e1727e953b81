/** Request paths (docs/oceanpayment-wire.md), shared with the sandbox emulator. */
export const oceanpaymentPaths = {
  /** Gateway host. */
  pay: "/gateway/directservice/pay",
  /** Gateway host, `payment_authType=3`. */
  void: "/gateway/service/auth",
  /** Query host. */
  query: "/service/check/normal",
  /** Query host. */
  refund: "/service/applyRefund",
  /** Query host: the successful orders of a terminal in a time range (reconciliation). */
  ordersList: "/service/QueryOrdersList",
  /** Query host. */
  refundQuery: "/service/queryRefund",
} as const;

export type OceanpaymentEndpoint = keyof typeof oceanpaymentPaths;

/**
 * Joins a base URL and a path without dropping a base path prefix (`new URL("/x", base)` would),
 * so that an emulator mounted under `/sandbox` works as well as the real hosts.
 */
export function endpointUrl(base: string, endpoint: OceanpaymentEndpoint): string {
  return base.replace(/\/+$/, "") + oceanpaymentPaths[endpoint];
}

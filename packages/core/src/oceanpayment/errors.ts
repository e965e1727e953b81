import { AppError } from "../errors/app-error.js";

/**
 * A gateway document could not be accepted: too large, malformed, not UTF-8, carrying a DTD or an
 * entity declaration, or without a `<response>` root. Callers treat it as "we do not know what the
 * gateway said" (ambiguous for payments), never as a decline.
 */
export class GatewayXmlError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("gateway_xml_invalid", message, options);
  }
}

/**
 * A request was refused before anything was sent: a field breaks Oceanpayment's rules (order number,
 * amount, currency, more than 100 query numbers…). A programming or data error, never retried.
 */
export class GatewayRequestInvalidError extends AppError {
  readonly field: string;

  constructor(field: string, message: string) {
    super("gateway_request_invalid", `${field}: ${message}`);
    this.field = field;
  }
}

/** Details shared by the three outcome errors, so that logs and metrics see one shape. */
export interface GatewayErrorDetails {
  /** Short machine reason (e.g. `not_sent`, `timeout`, `signature_invalid`). */
  reason: string;
  /** HTTP status when one was received. */
  statusCode?: number;
  /** Oceanpayment `code` of `code:text` details when the gateway answered. */
  gatewayCode?: string;
  cause?: unknown;
}

abstract class GatewayOutcomeError extends AppError {
  readonly reason: string;
  readonly statusCode: number | undefined;
  readonly gatewayCode: string | undefined;

  protected constructor(code: string, message: string, details: GatewayErrorDetails) {
    super(code, message, { cause: details.cause });
    this.reason = details.reason;
    this.statusCode = details.statusCode;
    this.gatewayCode = details.gatewayCode;
  }
}

/** The request provably never reached Oceanpayment (or was refused with 5xx/429): send it again. */
export class GatewayRetryableError extends GatewayOutcomeError {
  constructor(message: string, details: GatewayErrorDetails) {
    super("gateway_retryable", message, details);
  }
}

/**
 * The request may have been processed (and the customer charged). Settle it by querying the order;
 * never resubmit blindly and never mark the payment failed on this error alone.
 */
export class GatewayAmbiguousError extends GatewayOutcomeError {
  constructor(message: string, details: GatewayErrorDetails) {
    super("gateway_ambiguous", message, details);
  }
}

/** Oceanpayment refused the request itself (validation, wrong signature): retrying cannot help. */
export class GatewayPermanentError extends GatewayOutcomeError {
  constructor(message: string, details: GatewayErrorDetails) {
    super("gateway_permanent", message, details);
  }
}

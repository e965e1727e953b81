import { ApiError } from "../http/api-error.js";

// The errors of an operator's query and resolve (`PaymentReview`), the same on every service that serves them.

/** A payment or refund not in the state the call needs (a resolve of one not in `needs_review`). */
export class InvalidStateError extends ApiError {
  constructor(message: string) {
    super(409, "invalid_state", message);
  }
}

/** The gateway could not be asked (or did not confirm what an operator's call needs): nothing changed. */
export class GatewayUnavailableError extends ApiError {
  constructor(message: string) {
    super(502, "gateway_unavailable", message);
  }
}

/** An operator's resolve that would record what the gateway contradicts (money it has not taken). */
export class ResolutionRefusedError extends ApiError {
  constructor(message: string) {
    super(409, "resolution_refused", message);
  }
}

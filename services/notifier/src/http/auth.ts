import { ApiError, type Caller, CallerAuth, type CallerAuthOptions, type OperatorAction, type OperatorCaller, requirePermission, sendError } from "@oceanpos/core/http";
import type { FastifyReply, FastifyRequest } from "fastify";

/** The notifier's answers to callers: operator routes, and routes a store key may call too. */
export class Authenticator {
  private readonly callers: CallerAuth;

  constructor(options: CallerAuthOptions) {
    this.callers = new CallerAuth(options);
  }

  /** The caller, or undefined after answering 401. */
  any(request: FastifyRequest, reply: FastifyReply): Caller | undefined {
    const caller = this.callers.callerOf(request);
    if (!caller) void sendError(reply, new ApiError(401, "unauthorized", "a valid Bearer token is required"));
    return caller;
  }

  /**
   * The operator allowed to do `action`, or an error thrown: 401 without a valid token, 403 for a
   * store key or a role without the right (`requirePermission`).
   */
  operator(request: FastifyRequest, action: OperatorAction): OperatorCaller {
    const caller = this.callers.callerOf(request);
    if (!caller) throw new ApiError(401, "unauthorized", "an operator token is required");
    return requirePermission(caller, action);
  }
}

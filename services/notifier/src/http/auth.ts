import { ApiError, type Caller, CallerAuth, type CallerAuthOptions, sendError } from "@oceanpos/core/http";
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

  /** Fastify preHandler for operator-only routes: 401 without a valid token, 403 for a store key. */
  readonly operatorOnly = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const caller = this.callers.callerOf(request);
    if (!caller) return sendError(reply, new ApiError(401, "unauthorized", "the operator token is required"));
    if (caller.kind !== "operator") return sendError(reply, new ApiError(403, "forbidden", "this call needs the operator token"));
    return undefined;
  };
}

import { type Caller, CallerAuth, type CallerAuthOptions, type OperatorAction, type OperatorCaller, requirePermission } from "@oceanpos/core/http";
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "../errors.js";

/** Who may read what: an operator every store (every role may read), a store key its own store only. */
export class ReadAuth {
  private readonly callers: CallerAuth;

  constructor(options: CallerAuthOptions) {
    this.callers = new CallerAuth(options);
  }

  /** The caller, or a 401 thrown (a 403 for an operator whose role may not read). */
  callerOf(request: FastifyRequest): Caller {
    const caller = this.callers.callerOf(request);
    if (!caller) throw unauthorized();
    if (caller.kind === "operator") requirePermission(caller, "read");
    return caller;
  }

  /** The operator allowed to do `action`, or a 401 / 403 thrown (`requirePermission`). */
  operator(request: FastifyRequest, action: OperatorAction): OperatorCaller {
    const caller = this.callers.callerOf(request);
    if (!caller) throw unauthorized();
    return requirePermission(caller, action);
  }

  /**
   * The store a read is limited to: a store key's own (naming another store is 403), or the one the
   * operator named (undefined: every store).
   */
  static scope(caller: Caller, requested: string | undefined): string | undefined {
    if (caller.kind === "operator") return requested;
    if (requested !== undefined && requested !== caller.storeId) throw forbidden("a store key reads only its own store");
    return caller.storeId;
  }
}

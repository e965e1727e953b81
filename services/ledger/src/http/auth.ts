import { type Caller, CallerAuth, type CallerAuthOptions } from "@oceanpos/core/http";
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "../errors.js";

/** Who may read what: the operator every store, a store key its own store only. */
export class ReadAuth {
  private readonly callers: CallerAuth;

  constructor(options: CallerAuthOptions) {
    this.callers = new CallerAuth(options);
  }

  /** The caller, or a 401 thrown. */
  callerOf(request: FastifyRequest): Caller {
    const caller = this.callers.callerOf(request);
    if (!caller) throw unauthorized();
    return caller;
  }

  /**
   * The operator, or a 401 (no known token) or 403 (a store key) thrown: the operator's routes
   * (reconciliations). Operator roles come with named operators; until then, one operator.
   */
  operatorOf(request: FastifyRequest): Caller & { kind: "operator" } {
    const caller = this.callerOf(request);
    if (caller.kind !== "operator") throw forbidden("this route takes the operator token");
    return caller;
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

import { createHash, timingSafeEqual } from "node:crypto";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "../errors.js";

/** Who is calling: the operator (every store) or one store (its own payments only). */
export type Caller = { kind: "operator" } | { kind: "store"; storeId: string };

export interface CallerAuthOptions {
  /** `ADMIN_TOKEN`. */
  adminToken: string;
  /** The stores file: store keys are checked against its hashes, as the intake checks them. */
  stores: StoreRegistry;
}

/** Bearer tokens → {@link Caller}. Tokens are compared by digest and never logged. */
export class CallerAuth {
  private readonly adminDigest: Buffer;
  private readonly stores: StoreRegistry;

  constructor(options: CallerAuthOptions) {
    this.adminDigest = digest(options.adminToken);
    this.stores = options.stores;
  }

  /** The caller, or a 401 {@link ApiError} thrown. */
  callerOf(request: FastifyRequest): Caller {
    const header = request.headers.authorization;
    const token = typeof header === "string" ? /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (!token) throw unauthorized();
    // Equal-length digests: the comparison time says nothing about the token.
    if (timingSafeEqual(digest(token), this.adminDigest)) return { kind: "operator" };
    const store = this.stores.byApiKey(token);
    if (!store) throw unauthorized();
    return { kind: "store", storeId: store.id };
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

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

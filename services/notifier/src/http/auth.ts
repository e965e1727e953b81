import { createHash, timingSafeEqual } from "node:crypto";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError, sendError } from "@oceanpos/core/http";

/** Who is calling: the operator (everything) or one store (its own events only). */
export type Caller = { kind: "operator" } | { kind: "store"; storeId: string };

export interface AuthenticatorOptions {
  adminToken: string;
  stores: StoreRegistry;
}

/** Bearer-token authentication for operator and store calls. Tokens are never logged. */
export class Authenticator {
  private readonly adminDigest: Buffer;
  private readonly stores: StoreRegistry;

  constructor(options: AuthenticatorOptions) {
    this.adminDigest = digest(options.adminToken);
    this.stores = options.stores;
  }

  caller(request: FastifyRequest): Caller | undefined {
    const header = request.headers.authorization;
    const m = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const token = m?.[1];
    if (!token) return undefined;
    // Digests have equal length, so the comparison time says nothing about the token.
    if (timingSafeEqual(digest(token), this.adminDigest)) return { kind: "operator" };
    const store = this.stores.byApiKey(token);
    return store ? { kind: "store", storeId: store.id } : undefined;
  }

  /** The caller, or undefined after answering 401. */
  any(request: FastifyRequest, reply: FastifyReply): Caller | undefined {
    const caller = this.caller(request);
    if (!caller) void sendError(reply, new ApiError(401, "unauthorized", "a valid Bearer token is required"));
    return caller;
  }

  /** Fastify preHandler for operator-only routes: 401 without a valid token, 403 for a store key. */
  readonly operatorOnly = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const caller = this.caller(request);
    if (!caller) return sendError(reply, new ApiError(401, "unauthorized", "the operator token is required"));
    if (caller.kind !== "operator") return sendError(reply, new ApiError(403, "forbidden", "this call needs the operator token"));
    return undefined;
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

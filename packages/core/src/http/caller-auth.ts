import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { StoreRegistry } from "../stores/index.js";

/** Who is calling: the operator (every store) or one store (its own data only). */
export type Caller = { kind: "operator" } | { kind: "store"; storeId: string };

export interface CallerAuthOptions {
  /** `ADMIN_TOKEN`. */
  adminToken: string;
  /** The stores file: store keys are checked against its hashes. */
  stores: StoreRegistry;
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
}

/**
 * Bearer tokens → {@link Caller}: the operator token or a store's API key. Tokens are compared
 * by digest (equal lengths: the time says nothing about the token) and never logged. What an
 * unknown caller gets (a 401, and its `WWW-Authenticate`) is the service's to say.
 */
export class CallerAuth {
  private readonly adminDigest: Buffer;
  private readonly stores: StoreRegistry;

  constructor(options: CallerAuthOptions) {
    this.adminDigest = tokenDigest(options.adminToken);
    this.stores = options.stores;
  }

  /** The caller the request's bearer token names, or undefined. */
  callerOf(request: FastifyRequest): Caller | undefined {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) return undefined;
    if (timingSafeEqual(tokenDigest(token), this.adminDigest)) return { kind: "operator" };
    const store = this.stores.byApiKey(token);
    return store ? { kind: "store", storeId: store.id } : undefined;
  }
}

/** A fixed-length digest, so that comparisons take the same time whatever the lengths. */
export function tokenDigest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { type OperatorRole, type StoreRegistry, breakGlassOperatorName } from "../stores/index.js";

/** An operator: one of the stores file's, or `ADMIN_TOKEN`'s break-glass `admin`. */
export interface OperatorCaller {
  kind: "operator";
  name: string;
  role: OperatorRole;
}

/** Who is calling: an operator (every store, as far as its role allows) or one store (its own data only). */
export type Caller = OperatorCaller | { kind: "store"; storeId: string };

export interface CallerAuthOptions {
  /** `ADMIN_TOKEN`: the break-glass operator `admin` (role `admin`); absent, none. */
  adminToken?: string | undefined;
  /** The stores file: store keys and operator tokens are checked against its hashes. */
  stores: StoreRegistry;
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
}

/**
 * Bearer tokens → {@link Caller}: a store's API key, an operator's token, or `ADMIN_TOKEN`. The
 * one resolution every service uses. Tokens are compared by digest (the file's by hash lookup,
 * `ADMIN_TOKEN` with equal lengths: the time says nothing about the token) and never logged.
 * What an unknown caller gets (a 401, and its `WWW-Authenticate`) is the service's to say; what
 * an operator may do is `requirePermission`'s.
 */
export class CallerAuth {
  private readonly adminDigest: Buffer | undefined;
  private readonly stores: StoreRegistry;

  constructor(options: CallerAuthOptions) {
    this.adminDigest = options.adminToken === undefined ? undefined : tokenDigest(options.adminToken);
    this.stores = options.stores;
  }

  /** The caller the request's bearer token names, or undefined. */
  callerOf(request: FastifyRequest): Caller | undefined {
    const token = bearerToken(request.headers.authorization);
    return token === undefined ? undefined : this.callerOfToken(token);
  }

  /** The caller this token names, or undefined. A store key is looked up first (the POS hot path: one hash). */
  callerOfToken(token: string): Caller | undefined {
    const owner = this.stores.ownerOf(token);
    if (owner?.kind === "store") return { kind: "store", storeId: owner.store.id };
    if (owner?.kind === "operator") return { kind: "operator", name: owner.operator.name, role: owner.operator.role };
    if (this.adminDigest && timingSafeEqual(tokenDigest(token), this.adminDigest)) return { kind: "operator", name: breakGlassOperatorName, role: "admin" };
    return undefined;
  }
}

/** A fixed-length digest, so that comparisons take the same time whatever the lengths. */
export function tokenDigest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

import { randomBytes } from "node:crypto";
import { type Caller, type OperatorCaller, tokenDigest } from "@oceanpos/core/http";
import { type Redis, type RedisKeys, redisKeys } from "@oceanpos/core/redis";

export interface StreamTokensOptions {
  redis: Redis;
  keyPrefix: string;
  /** `STREAM_TOKEN_TTL_MS`: how long a token may open streams. */
  ttlMs: number;
  /** Default `Date.now`. */
  now?: () => number;
}

/** A token as issued: `sst_` and 32 random bytes in base64url. */
const tokenPattern = /^sst_[A-Za-z0-9_-]{43}$/;

export interface IssuedStreamToken {
  token: string;
  /** ISO 8601: after this the token opens no stream (an open stream is not cut). */
  expiresAt: string;
}

/**
 * Short-lived credentials for `GET /v1/events/stream?token=`, for clients that cannot send an
 * `Authorization` header (a browser's `EventSource`). A token carries exactly its issuer's reach
 * (a store key's token: that store's events; the operator's: every store's) and may open any
 * number of streams until it expires, so an `EventSource` reconnects with it by itself. Kept in
 * Redis under its SHA-256 with a TTL (every notifier replica accepts it; Redis never holds a
 * usable token), never logged (the request log redacts `token=`).
 */
export class StreamTokens {
  private readonly keys: RedisKeys;
  private readonly now: () => number;

  constructor(private readonly o: StreamTokensOptions) {
    this.keys = redisKeys(o.keyPrefix);
    this.now = o.now ?? Date.now;
  }

  async issue(caller: Caller): Promise<IssuedStreamToken> {
    const token = `sst_${randomBytes(32).toString("base64url")}`;
    const expiresAt = new Date(this.now() + this.o.ttlMs).toISOString();
    await this.o.redis.set(this.keyOf(token), caller.kind === "operator" ? `operator:${caller.role}:${caller.name}` : `store:${caller.storeId}`, "PX", this.o.ttlMs);
    return { token, expiresAt };
  }

  /** The caller a live token was issued to; undefined for anything else (malformed, unknown, expired). */
  async callerOf(token: string): Promise<Caller | undefined> {
    if (!tokenPattern.test(token)) return undefined;
    const value = await this.o.redis.get(this.keyOf(token));
    if (value?.startsWith("operator:")) {
      // `operator:<role>:<name>`: the token reads with its issuer's name and role.
      const [, role, ...name] = value.split(":");
      return { kind: "operator", role: role as OperatorCaller["role"], name: name.join(":") };
    }
    return value?.startsWith("store:") ? { kind: "store", storeId: value.slice("store:".length) } : undefined;
  }

  private keyOf(token: string): string {
    return this.keys.streamToken(tokenDigest(token).toString("hex"));
  }
}

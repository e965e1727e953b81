import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** A caller's `Request-Id` is kept when it matches this (the contract's pattern), else replaced. */
export const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the caller's own `Request-Id` when it is well-formed (so one id follows a
 * call through a client's logs and ours), else a new UUID. A header given twice is not well-formed.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["request-id"];
  return typeof given === "string" && requestIdPattern.test(given) ? given : randomUUID();
}

/** Query parameters whose values are credentials: never written to a log (`?token=` of the event stream). */
const secretParameters = new Set(["token", "key", "apikey", "api_key", "access_token", "secret", "authcode"]);

/**
 * The URL as a log may show it: the path as sent, and the query string with the values of
 * credential-like parameters replaced by `[redacted]` (the rest is kept: it says what was asked).
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape: judged as written.
      }
      return eq !== -1 && secretParameters.has(decoded.toLowerCase()) ? `${name}=[redacted]` : pair;
    })
    .join("&");
  return `${url.slice(0, q)}?${query}`;
}

import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { ApiError, bearerToken, sendError, tokenDigest } from "@oceanpos/core/http";

/**
 * An `onRequest` hook admitting only the operator token (`ADMIN_TOKEN`), sent either as
 * `Authorization: Bearer <token>` (scripts) or as the password of HTTP Basic auth, any user name
 * (a browser cannot send a bearer header, but it prompts for Basic credentials on a 401 carrying
 * `WWW-Authenticate: Basic`). It answers the 401 itself rather than throwing, so the contract's
 * error body is kept even under plugins that install their own error handler (Bull Board does).
 */
export function operatorAuth(adminToken: string): onRequestAsyncHookHandler {
  const expected = tokenDigest(adminToken);
  return async function checkOperator(request: FastifyRequest, reply: FastifyReply) {
    const presented = credentialOf(request.headers.authorization);
    if (presented !== undefined && timingSafeEqual(tokenDigest(presented), expected)) return;
    const error = new ApiError(401, "unauthorized", "the operator token is required: Authorization: Bearer <ADMIN_TOKEN>, or Basic auth with it as password", {
      headers: { "www-authenticate": 'Basic realm="oceanpos"' },
    });
    return sendError(reply, error);
  };
}

/** The token of a Bearer header or the password of a Basic one. */
function credentialOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const bearer = bearerToken(header);
  if (bearer !== undefined) return bearer;
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

import { type AuditLog, auditTargets } from "@oceanpos/core/audit";
import { ApiError, type CallerAuth, type OperatorAction, type OperatorCaller, bearerToken, requirePermission, sendError } from "@oceanpos/core/http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface BoardAuthOptions {
  /** The one caller resolution (store keys, operators, `ADMIN_TOKEN`). */
  auth: CallerAuth;
  /** Where the board's changes are recorded, with the operator who made them. */
  audit: AuditLog;
  /** The board's path prefix, cut from the audit target. */
  basePath: string;
}

/**
 * Operators on Bull Board: a token sent either as `Authorization: Bearer <token>` (scripts) or as
 * the password of HTTP Basic auth, any user name (a browser cannot send a bearer header, but it
 * prompts for Basic credentials on a 401 carrying `WWW-Authenticate: Basic`). Reading the board
 * takes `read`; a retry `queues.retry`; any other change `queues.manage` (`requirePermission`).
 * Every change answered without error is written to the audit log. Errors are answered here
 * rather than thrown, so the contract's error body is kept under the error handler Bull Board
 * installs.
 */
export function registerBoardAuth(scope: FastifyInstance, options: BoardAuthOptions): void {
  const operators = new WeakMap<FastifyRequest, OperatorCaller>();
  scope.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const token = credentialOf(request.headers.authorization);
    const caller = token === undefined ? undefined : options.auth.callerOfToken(token);
    if (!caller) {
      const error = new ApiError(401, "unauthorized", "an operator token is required: Authorization: Bearer <token>, or Basic auth with it as password", {
        headers: { "www-authenticate": 'Basic realm="oceanpos"' },
      });
      return sendError(reply, error);
    }
    try {
      operators.set(request, requirePermission(caller, boardAction(request)));
    } catch (error) {
      return sendError(reply, error as ApiError);
    }
  });
  scope.addHook("onSend", async (request, reply, payload) => {
    const who = operators.get(request);
    if (who === undefined || !changes(request) || reply.statusCode >= 400) return payload;
    const path = (request.url.split("?")[0] ?? "").slice(options.basePath.length);
    const queue = /^\/api\/queues\/([^/]+)/.exec(path)?.[1];
    await options.audit.record({
      operator: who.name,
      role: who.role,
      action: "queue.job_change",
      target: auditTargets.queue(queue === undefined ? "*" : decodeURIComponent(queue)),
      details: { method: request.method, path },
    });
    return payload;
  });
}

const changes = (request: FastifyRequest) => request.method !== "GET" && request.method !== "HEAD";

/** The right a board request needs. */
function boardAction(request: FastifyRequest): OperatorAction {
  if (!changes(request)) return "read";
  return /\/retry(\/[^/]+)?$/.test(request.url.split("?")[0] ?? "") ? "queues.retry" : "queues.manage";
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

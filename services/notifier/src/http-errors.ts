import { type ErrorIssue, sendError as sendHttpError } from "@oceanpos/core/http";
import type { FastifyReply } from "fastify";
import type { z } from "zod";

export type ApiIssue = ErrorIssue;

/** The contract's error body, `{"error": {"code", "message", "issues"?}}`, built by core's one builder. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string, issues?: ApiIssue[]): FastifyReply {
  return sendHttpError(reply, { status, code, message, ...(issues ? { issues } : {}) });
}

export function issuesOf(error: z.ZodError): ApiIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

export function invalidRequest(reply: FastifyReply, issues: ApiIssue[]): FastifyReply {
  return sendError(reply, 400, "invalid_request", "the request is invalid", issues);
}

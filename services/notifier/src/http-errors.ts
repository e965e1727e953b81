import type { FastifyReply } from "fastify";
import type { z } from "zod";

export interface ApiIssue {
  path: string;
  message: string;
}

/** The contract's error body: `{"error": {"code", "message", "issues"?}}`. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string, issues?: ApiIssue[]): FastifyReply {
  return reply.code(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
}

export function issuesOf(error: z.ZodError): ApiIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

export function invalidRequest(reply: FastifyReply, issues: ApiIssue[]): FastifyReply {
  return sendError(reply, 400, "invalid_request", "the request is invalid", issues);
}

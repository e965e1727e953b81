import { type ErrorIssue, sendError } from "@oceanpos/core/http";
import type { FastifyReply } from "fastify";
import type { z } from "zod";

/**
 * The `/sandbox/…` controls' error answers, in the contract's error shape: one place for every
 * control route file.
 */

/** `400 invalid_request` listing every failing field (an unknown field by its own name). */
export function invalidRequest(reply: FastifyReply, err: z.ZodError): FastifyReply {
  const issues = err.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join("."), message: "unknown field" }))
      : [{ path: issue.path.join(".") || "(body)", message: issue.message }],
  );
  return invalidFields(reply, issues);
}

/** `400 invalid_request` for failing fields found after the body's shape was accepted. */
export function invalidFields(reply: FastifyReply, issues: readonly ErrorIssue[]): FastifyReply {
  const names = issues.map((i) => i.path).join(", ");
  return sendError(reply, { status: 400, code: "invalid_request", message: `invalid fields: ${names}`, issues });
}

/** Any other control error: its status, a stable code and a message written by us. */
export function controlError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return sendError(reply, { status, code, message });
}

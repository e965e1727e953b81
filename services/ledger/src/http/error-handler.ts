import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, invalidRequest, unavailable } from "./api-error.js";

/** PostgreSQL errors that say "not now" rather than "wrong": connection, shutdown, resources, timeouts. */
function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  if (/^(08|53|57P)/.test(code) || code === "57014" || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"].includes(code)) return true;
  const message = typeof e.message === "string" ? e.message : "";
  return /timeout exceeded when trying to connect|Connection terminated|connection is closed|Client has encountered a connection error/i.test(message);
}

/** Any error → the contract's error body (with the request id) and its status. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isDatabaseUnavailable(err)) return unavailable(err);
  const status = (err as Partial<FastifyError>).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return invalidRequest([{ path: "(request)", message: (err as Error).message }]);
  return new ApiError(500, "internal", "internal error; retry later", { cause: err });
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const api = toApiError(err);
  if (api.status >= 500) request.log[api.status === 503 ? "warn" : "error"]({ err: api.status === 503 ? (err as Error).message : err }, "request failed");
  return reply.code(api.status).headers(api.headers).send(api.toBody(request.id));
}

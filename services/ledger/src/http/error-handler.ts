import { ApiError, fastifyClientError, sendError } from "@oceanpos/core/http";
import type { FastifyReply, FastifyRequest } from "fastify";
import { unavailable } from "../errors.js";

/** PostgreSQL errors that say "not now" rather than "wrong": connection, shutdown, resources, timeouts. */
function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  if (/^(08|53|57P)/.test(code) || code === "57014" || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"].includes(code)) return true;
  const message = typeof e.message === "string" ? e.message : "";
  return /timeout exceeded when trying to connect|Connection terminated|connection is closed|Client has encountered a connection error/i.test(message);
}

/** Any error → the contract's error and its status: an {@link ApiError} as thrown, PostgreSQL away a 503, Fastify's client errors in the contract's words. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isDatabaseUnavailable(err)) return unavailable(err);
  const client = fastifyClientError(err);
  if (client) return new ApiError(client.status, client.code, client.message, { ...(client.issues ? { issues: client.issues } : {}), cause: err });
  return new ApiError(500, "internal", "internal error; retry later", { cause: err });
}

/** The ledger's error handler: every error body carries the request id. */
export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const api = toApiError(err);
  if (api.status >= 500) request.log[api.status === 503 ? "warn" : "error"]({ err: api.status === 503 ? (err as Error).message : err }, "request failed");
  return sendError(reply, api);
}

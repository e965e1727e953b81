import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "./api-error.js";
import { type HttpError, sendError } from "./error-body.js";

/**
 * Errors Fastify raises itself (the router, the body parsers), answered in the contract's shape
 * instead of Fastify's own `{"statusCode", "error", "message"}`, whose messages quote the URL
 * (`'/v1/%ZZ' is not a valid url component`) or the body. Every service wires the same three:
 * `frameworkErrors` (a Fastify constructor option), the not-found handler and, for a service
 * without an error handler of its own, {@link contractErrorHandler}.
 */

export interface FastifyClientErrorOptions {
  /** Named in the 413 message when given (`BODY_LIMIT_BYTES`). */
  bodyLimitBytes?: number;
  /** What the 415 message asks for; default `application/json`. */
  mediaType?: string;
}

/** The fixed answer to anything that is not the client's fault; the details go to the log only. */
export const internalError: HttpError = { status: 500, code: "internal", message: "internal error" };

export const routeNotFound: HttpError = { status: 404, code: "not_found", message: "no route matches this method and path" };

/**
 * What an error Fastify raised means to the client, in the contract's codes; undefined when it is
 * not a client error (a bug, a dependency): the caller decides those. Fastify's messages are
 * never passed on, only its codes.
 */
export function fastifyClientError(err: unknown, options: FastifyClientErrorOptions = {}): HttpError | undefined {
  const { code = "", statusCode } = (err ?? {}) as Partial<FastifyError>;
  switch (code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        status: 413,
        code: "payload_too_large",
        message: options.bodyLimitBytes === undefined ? "the body is too large" : `the body is larger than ${options.bodyLimitBytes} bytes`,
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, code: "unsupported_media_type", message: `send the body as ${options.mediaType ?? "application/json"} with a matching Content-Type` };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      // JSON.parse messages quote the body; it may hold a wallet payment code.
      return { status: 400, code: "invalid_request", message: "the body is not valid JSON", issues: [{ path: "", message: "is not valid JSON" }] };
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return { status: 400, code: "invalid_request", message: "Content-Length does not match the body" };
    case "FST_ERR_BAD_URL":
      return { status: 400, code: "invalid_request", message: "the URL path is not valid: a % must start an escape such as %2F" };
    case "FST_ERR_MAX_PARAM_LENGTH":
      // No identifier of this API is that long: there is no such resource (as for any unknown id).
      return { status: 404, code: "not_found", message: "no such resource: a path segment is longer than any identifier" };
    default:
      break;
  }
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    // Another client error (prototype poisoning, a bad header…): its code is a constant, its message is not ours.
    const known = /^FST_ERR_[A-Z0-9_]+$/.test(code) ? ` (${code})` : "";
    return { status: 400, code: "invalid_request", message: `the request could not be read${known}` };
  }
  return undefined;
}

/** Fastify's `frameworkErrors` option (bad URL encoding, over-long path parameters, constraint errors); `createHttpApp` sets it. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, fastifyClientError(error) ?? internalError);
}

export type ContractErrorHandlerOptions = FastifyClientErrorOptions;

/**
 * The error handler of a service whose routes fail only with {@link ApiError}s (the payer's ops
 * server, the sandbox): those as thrown, Fastify's client errors in the contract's words, anything
 * else a logged 500.
 */
export function contractErrorHandler(options: ContractErrorHandlerOptions = {}) {
  return function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (err instanceof ApiError) return sendError(reply, err);
    const client = fastifyClientError(err, options);
    if (client) return sendError(reply, client);
    request.log.error({ err }, "request failed");
    return sendError(reply, internalError);
  };
}

export interface HttpErrorsOptions extends ContractErrorHandlerOptions {
  /** Also install {@link contractErrorHandler}; false when the service has its own. Default true. */
  errorHandler?: boolean;
}

/**
 * The not-found handler (which never repeats the path) and, unless the service has its own, the
 * generic error handler (`createHttpApp` passes `frameworkErrors` to Fastify itself).
 */
export function registerHttpErrors(app: FastifyInstance, options: HttpErrorsOptions = {}): void {
  app.setNotFoundHandler((_request, reply) => sendError(reply, routeNotFound));
  if (options.errorHandler ?? true) app.setErrorHandler(contractErrorHandler(options));
}

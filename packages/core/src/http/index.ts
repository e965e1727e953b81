export { registerOpsRoutes, type OpsRoutesOptions, type ReadinessCheck } from "./ops-routes.js";
export { createMetricsRegistry } from "./metrics-registry.js";
export { HttpMetrics, observeHttpRequests, type HttpMetricsOptions } from "./http-metrics.js";
export { registerQueueMetrics, queueMetricStates, type QueueMetricState, type QueueMetricsOptions } from "./queue-metrics.js";
export { lazyRequestLogger } from "./request-logger.js";
export { registerStreamGroupMetrics, type StreamGroupSource } from "./stream-group-metrics.js";
export { registerRedisMemoryMetrics } from "./redis-memory-metrics.js";
export { errorBody, sendError, type ErrorBody, type ErrorIssue, type HttpError } from "./error-body.js";
export { ApiError, InvalidRequestError, type RequestPart } from "./api-error.js";
export { CallerAuth, bearerToken, tokenDigest, type Caller, type CallerAuthOptions, type OperatorCaller } from "./caller-auth.js";
export { operatorActions, requirePermission, roleMay, rolePermissions, type OperatorAction } from "./operator-permissions.js";
export { parseOrThrow, parseRequest, requestIssues, type ParsedRequest } from "./request-issues.js";
export {
  contractErrorHandler,
  fastifyClientError,
  frameworkErrors,
  internalError,
  registerHttpErrors,
  routeNotFound,
  type ContractErrorHandlerOptions,
  type FastifyClientErrorOptions,
  type HttpErrorsOptions,
} from "./http-errors.js";
export { createHttpApp, type HttpAppOptions } from "./http-app.js";
export { registerCors } from "./cors.js";
export { loggableUrl, requestIdOf, requestIdPattern } from "./request-id.js";
export { RequestDeadline } from "./request-deadline.js";
export { buildOpsServer, type OpsServerOptions } from "./ops-server.js";
export { registerOpenApi, hideFromOpenApi, openApiSchemaRegistry, ErrorBodySchema, namedResponse, rawResponse, type OpenApiOptions, type OpenApiSchemaRegistry, type NamedResponse, type RawResponse } from "./openapi.js";

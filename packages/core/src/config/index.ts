export { loadConfig } from "./load-config.js";
export { oceanpaymentEnvShape, type OceanpaymentSettings } from "./oceanpayment-env.js";
export {
  envBoolean,
  envConsumerGroup,
  envDurationList,
  envDurationMs,
  envHost,
  envHttpUrl,
  envList,
  envPort,
  envPositiveInt,
  envPositiveNumber,
  envDatabaseUrl,
  envOptionalDatabaseUrl,
  type EnvBounds,
} from "./env-types.js";
export {
  commonEnvShape,
  commonEnvSchema,
  publicApiEnvShape,
  resolveCommon,
  resolveStoresFile,
  type CommonConfig,
  commonDefaults,
} from "./common-env.js";
